//! The review queue's filter, read from the queue page's parameters and carried by the
//! landing pages opened from it (so that a decision leads to the next landing of the same
//! queue).

use chrono::NaiveDate;
use serde::Deserialize;

use super::nonempty;
use crate::application::landings::ports::LandingFilter;

/// The review queue's filter: a rule, a municipality, a month (`YYYY-MM`); and where a
/// page of it starts.
#[derive(Deserialize, Default)]
pub(super) struct QueueQuery {
    pub(super) rule: Option<String>,
    pub(super) municipality: Option<String>,
    pub(super) month: Option<String>,
    pub(super) after: Option<String>,
    pub(super) before: Option<String>,
    pub(super) done: Option<String>,
}

impl QueueQuery {
    /// The landings it selects: flagged, not reviewed, and matching what was chosen.
    pub(super) fn filter(&self) -> LandingFilter {
        let month = nonempty(&self.month)
            .and_then(|m| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok());
        LandingFilter {
            flagged_only: true,
            unreviewed_only: true,
            flag_code: nonempty(&self.rule),
            municipality: nonempty(&self.municipality),
            from: month,
            to: month.and_then(|m| {
                m.checked_add_months(chrono::Months::new(1))
                    .and_then(|n| n.pred_opt())
            }),
            ..LandingFilter::default()
        }
    }

    /// The filter as a query string (without the page's position), read back from what
    /// was parsed: it goes into links and forms as it is.
    pub(super) fn query(&self) -> String {
        let pairs: Vec<(&str, String)> = [
            ("rule", &self.rule),
            ("municipality", &self.municipality),
            ("month", &self.month),
        ]
        .into_iter()
        .filter_map(|(k, v)| nonempty(v).map(|v| (k, v)))
        .collect();
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }

    /// The filter of a queue named by its query string (`rule=…&month=…`); an unreadable one
    /// is the whole queue.
    pub(super) fn parse(query: &str) -> Self {
        serde_urlencoded::from_str(query).unwrap_or_default()
    }
}

/// The address of landing `id` opened from the review queue whose filter is `query` (empty:
/// the whole queue): `/landings/{id}?queue=…`.
pub(super) fn from_queue(id: impl std::fmt::Display, query: &str) -> String {
    format!(
        "/landings/{id}?{}",
        serde_urlencoded::to_string([("queue", query)]).unwrap_or_default()
    )
}
