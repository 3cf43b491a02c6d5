//! Reviews of flagged landings: an officer's decision (accept, correct, reject) with a
//! reason. The reported landing is never changed; a correction is applied to a copy that
//! the rule set assesses again. Each decision is an event; nothing is deleted.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::landing::SurveyedLanding;
use super::rules::{Assessment, Peskaas2020};

/// New values for a landing's fields; `None` leaves a field as reported.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Corrections {
    /// Landing date.
    pub date: Option<NaiveDate>,
    /// Habitat code (1–7).
    pub habitat_code: Option<i16>,
    /// Gear code (1–9).
    pub gear_code: Option<i16>,
    /// Boat code (1 canoe, 2 motor, 3 shore).
    pub boat_code: Option<i16>,
    /// Hours at sea.
    pub hours_at_sea: Option<f64>,
    /// Fisher-hours.
    pub fisher_hours: Option<f64>,
    /// Catch value, USD.
    pub catch_value_usd: Option<f64>,
}

impl Corrections {
    /// True when no field is corrected.
    pub fn is_empty(&self) -> bool {
        *self == Corrections::default()
    }

    /// A copy of `landing` with the corrected fields.
    pub fn apply(&self, landing: &SurveyedLanding) -> SurveyedLanding {
        let mut l = landing.clone();
        if let Some(d) = self.date {
            l.date = Some(d);
        }
        if let Some(c) = self.habitat_code {
            l.habitat_code = Some(c);
        }
        if let Some(c) = self.gear_code {
            l.gear_code = Some(c);
        }
        if let Some(c) = self.boat_code {
            l.boat_code = Some(c);
        }
        if let Some(h) = self.hours_at_sea {
            l.hours_at_sea = Some(h);
        }
        if let Some(h) = self.fisher_hours {
            l.fisher_hours = Some(h);
        }
        if let Some(v) = self.catch_value_usd {
            l.catch_value_usd = Some(v);
        }
        l
    }

    /// The changes as `(field, reported, corrected)`, for the history.
    pub fn changes(&self, landing: &SurveyedLanding) -> Vec<(&'static str, String, String)> {
        fn text<T: ToString>(v: Option<T>) -> String {
            v.map(|v| v.to_string()).unwrap_or_else(|| "–".into())
        }
        let mut out = Vec::new();
        let mut push = |name, old: String, new: Option<String>| {
            if let Some(new) = new {
                out.push((name, old, new));
            }
        };
        push("date", text(landing.date), self.date.map(|v| v.to_string()));
        push(
            "habitat_code",
            text(landing.habitat_code),
            self.habitat_code.map(|v| v.to_string()),
        );
        push(
            "gear_code",
            text(landing.gear_code),
            self.gear_code.map(|v| v.to_string()),
        );
        push(
            "boat_code",
            text(landing.boat_code),
            self.boat_code.map(|v| v.to_string()),
        );
        push(
            "hours_at_sea",
            text(landing.hours_at_sea),
            self.hours_at_sea.map(|v| v.to_string()),
        );
        push(
            "fisher_hours",
            text(landing.fisher_hours),
            self.fisher_hours.map(|v| v.to_string()),
        );
        push(
            "catch_value_usd",
            text(landing.catch_value_usd),
            self.catch_value_usd.map(|v| v.to_string()),
        );
        out
    }
}

/// What the officer decided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Decision {
    /// The values are right as reported: the flags stay, marked reviewed, and no longer
    /// exclude the landing.
    Accept,
    /// These values replace the reported ones in summaries.
    Correct(Corrections),
    /// The landing is excluded from summaries.
    Reject,
}

impl Decision {
    /// `accept`, `correct` or `reject`.
    pub fn key(&self) -> &'static str {
        match self {
            Decision::Accept => "accept",
            Decision::Correct(_) => "correct",
            Decision::Reject => "reject",
        }
    }
}

/// Why a review is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReviewError {
    /// No reason was given.
    #[error("a review needs a reason")]
    NoReason,
    /// The reason is longer than [`Review::MAX_REASON_CHARS`].
    #[error("the reason may have at most {0} characters")]
    ReasonTooLong(usize),
    /// A correction that corrects nothing.
    #[error("a correction needs at least one new value")]
    NothingCorrected,
    /// A corrected number is negative or not finite.
    #[error("the corrected {0} must be a number of at least 0")]
    InvalidValue(&'static str),
}

/// A decision on a landing, with its reason, who made it and when: the event
/// `LandingReviewed` of the landings context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    /// The decision.
    pub decision: Decision,
    /// Why (free text, shown escaped).
    pub reason: String,
    /// Who decided (an e-mail).
    pub reviewer: String,
    /// When (UTC).
    pub at: DateTime<Utc>,
}

impl Review {
    /// Longest reason kept, in characters.
    pub const MAX_REASON_CHARS: usize = 2000;

    /// A review; the reason is trimmed.
    ///
    /// # Errors
    /// [`ReviewError`] for an empty or over-long reason, a correction without values, or a
    /// negative or non-finite corrected number.
    pub fn new(
        decision: Decision,
        reason: &str,
        reviewer: &str,
        at: DateTime<Utc>,
    ) -> Result<Self, ReviewError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(ReviewError::NoReason);
        }
        if reason.chars().count() > Self::MAX_REASON_CHARS {
            return Err(ReviewError::ReasonTooLong(Self::MAX_REASON_CHARS));
        }
        if let Decision::Correct(c) = &decision {
            if c.is_empty() {
                return Err(ReviewError::NothingCorrected);
            }
            for (name, v) in [
                ("hours at sea", c.hours_at_sea),
                ("fisher-hours", c.fisher_hours),
                ("catch value", c.catch_value_usd),
            ] {
                if v.is_some_and(|v| !v.is_finite() || v < 0.0) {
                    return Err(ReviewError::InvalidValue(name));
                }
            }
        }
        Ok(Review {
            decision,
            reason: reason.to_string(),
            reviewer: reviewer.to_string(),
            at,
        })
    }

    /// What summaries use after this decision: the assessment (of the corrected copy, for a
    /// correction) and whether the landing counts.
    ///
    /// Accepting lifts the flags' exclusion, but a landing still needs a date, a known
    /// municipality, fisher-hours and a canoe or motor boat to enter a monthly summary.
    pub fn outcome(
        &self,
        rules: &Peskaas2020,
        landing: &SurveyedLanding,
        today: NaiveDate,
    ) -> (Assessment, bool) {
        match &self.decision {
            Decision::Accept => {
                let a = rules.assess(landing, today);
                let counts = landing.date.is_some()
                    && landing.site.municipality.is_some()
                    && a.effort.is_some()
                    && a.summary_boat_type.is_some();
                (a, counts)
            }
            Decision::Correct(c) => {
                let a = rules.assess(&c.apply(landing), today);
                let counts = a.counts_in_summaries();
                (a, counts)
            }
            Decision::Reject => (rules.assess(landing, today), false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::landings::fixtures::{landing, line};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default()
    }

    /// The clean fixture landing, its catch line flagged 1 by the source (length below the
    /// species' minimum): an error.
    fn flagged_landing() -> SurveyedLanding {
        let mut l = landing();
        l.catch_lines = vec![line(2000.0)];
        l.catch_lines[0].length_cm = Some(3.0);
        l.catch_lines[0].source_flag = Some(1);
        l
    }

    fn review(d: Decision) -> Review {
        Review::new(d, "checked with the enumerator", "officer@x.tl", Utc::now())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn accepting_lifts_the_exclusion_but_keeps_the_flags() {
        let l = flagged_landing();
        let rules = Peskaas2020::default();
        assert!(!rules.assess(&l, today()).counts_in_summaries());
        let (a, counts) = review(Decision::Accept).outcome(&rules, &l, today());
        assert!(counts);
        assert_eq!(a.flags.len(), 1, "the flag stays");
    }

    #[test]
    fn accepting_cannot_put_a_landing_without_effort_or_municipality_in_summaries() {
        let mut l = flagged_landing();
        l.fisher_hours = None;
        assert!(
            !review(Decision::Accept)
                .outcome(&Peskaas2020::default(), &l, today())
                .1
        );
        let mut l = flagged_landing();
        l.site.municipality = None;
        assert!(
            !review(Decision::Accept)
                .outcome(&Peskaas2020::default(), &l, today())
                .1
        );
    }

    #[test]
    fn a_correction_is_assessed_again_and_the_original_kept() {
        let mut l = flagged_landing();
        l.catch_lines[0].source_flag = Some(0);
        l.fisher_hours = Some(1_000.0); // capped at 144: a warning
        let c = Corrections {
            fisher_hours: Some(10.0),
            ..Corrections::default()
        };
        let (a, counts) =
            review(Decision::Correct(c.clone())).outcome(&Peskaas2020::default(), &l, today());
        assert!(counts);
        assert_eq!(a.effort.map(|e| e.value()), Some(10.0));
        assert!(a.flags.is_empty());
        assert_eq!(
            l.fisher_hours,
            Some(1_000.0),
            "the reported value is untouched"
        );
        assert_eq!(
            c.changes(&l),
            vec![("fisher_hours", "1000".to_string(), "10".to_string())]
        );
    }

    #[test]
    fn rejecting_excludes_even_a_clean_landing() {
        let mut l = flagged_landing();
        l.catch_lines[0].source_flag = Some(0);
        assert!(
            Peskaas2020::default()
                .assess(&l, today())
                .counts_in_summaries()
        );
        assert!(
            !review(Decision::Reject)
                .outcome(&Peskaas2020::default(), &l, today())
                .1
        );
    }

    #[test]
    fn a_review_needs_a_reason_and_a_correction_needs_values() {
        let now = Utc::now();
        assert_eq!(
            Review::new(Decision::Accept, "  ", "o", now),
            Err(ReviewError::NoReason)
        );
        assert_eq!(
            Review::new(Decision::Accept, &"x".repeat(2001), "o", now),
            Err(ReviewError::ReasonTooLong(2000))
        );
        assert_eq!(
            Review::new(Decision::Correct(Corrections::default()), "why", "o", now),
            Err(ReviewError::NothingCorrected)
        );
        let bad = Corrections {
            fisher_hours: Some(-1.0),
            ..Corrections::default()
        };
        assert_eq!(
            Review::new(Decision::Correct(bad), "why", "o", now),
            Err(ReviewError::InvalidValue("fisher-hours"))
        );
        assert_eq!(review(Decision::Reject).decision.key(), "reject");
    }
}
