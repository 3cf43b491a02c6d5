//! The monthly landing summary (rule set `peskaas-2020`, step 6): per month and scope,
//! landings, fishing days, effort, catch and CPUE.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::codes::BoatType;
use super::effort::{Cpue, FisherHours};
use crate::domain::shared::{Kilograms, Period};

/// What a summary row is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SummaryScope {
    /// All municipalities, all boat types.
    National,
    /// One municipality (by name), all boat types.
    Municipality(String),
    /// One boat type (canoe or motor), all municipalities.
    BoatType(BoatType),
}

impl SummaryScope {
    /// `national`, `municipality` or `boat_type`: the scope's kind as written in the CSV.
    pub fn kind(&self) -> &'static str {
        match self {
            SummaryScope::National => "national",
            SummaryScope::Municipality(_) => "municipality",
            SummaryScope::BoatType(_) => "boat_type",
        }
    }
}

impl fmt::Display for SummaryScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SummaryScope::National => f.write_str("National"),
            SummaryScope::Municipality(m) => f.write_str(m),
            SummaryScope::BoatType(b) => write!(f, "{b}"),
        }
    }
}

/// One landing as the summary sees it: only landings that count in summaries (valid, canoe
/// or motor boat) are given to [`summarise`].
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryInput {
    /// Landing date.
    pub date: NaiveDate,
    /// The municipality's name.
    pub municipality: String,
    /// Canoe or motor boat.
    pub boat_type: BoatType,
    /// Fisher-hours after the rule set's repairs.
    pub effort: FisherHours,
    /// Catch of the landing.
    pub catch: Kilograms,
    /// Value of the catch in USD that value totals use (reported, and not set aside by the
    /// rule set).
    pub value_usd: Option<f64>,
}

/// One row of the monthly summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthlySummaryRow {
    /// What the row is about.
    pub scope: SummaryScope,
    /// The month.
    pub month: Period,
    /// Number of landings.
    pub landings: u32,
    /// Number of distinct landing dates.
    pub fishing_days: u32,
    /// Σ fisher-hours.
    pub effort: FisherHours,
    /// Σ catch.
    pub catch: Kilograms,
    /// Σ catch ÷ Σ effort (0 when effort is 0).
    pub cpue: Cpue,
    /// Σ reported catch value in USD over the landings that report one.
    pub value_usd: f64,
}

#[derive(Default)]
struct Acc {
    landings: u32,
    days: BTreeSet<NaiveDate>,
    effort: FisherHours,
    catch: Kilograms,
    value: f64,
}

/// Builds the monthly summary of `landings` for every scope: national, each municipality,
/// each boat type. Rows are ordered by scope (national, municipalities by name, canoe then
/// motor) and then by month; a month without landings has no row.
pub fn summarise(landings: &[SummaryInput]) -> Vec<MonthlySummaryRow> {
    let mut acc: BTreeMap<(SummaryScope, Period), Acc> = BTreeMap::new();
    for l in landings {
        let month = Period::of(l.date);
        for scope in [
            SummaryScope::National,
            SummaryScope::Municipality(l.municipality.clone()),
            SummaryScope::BoatType(l.boat_type),
        ] {
            let a = acc.entry((scope, month)).or_default();
            a.landings += 1;
            a.days.insert(l.date);
            a.effort = a.effort + l.effort;
            a.catch = a.catch + l.catch;
            a.value += l.value_usd.unwrap_or(0.0);
        }
    }
    acc.into_iter()
        .map(|((scope, month), a)| MonthlySummaryRow {
            scope,
            month,
            landings: a.landings,
            fishing_days: a.days.len() as u32,
            cpue: Cpue::of_totals(a.catch, a.effort),
            effort: a.effort,
            catch: a.catch,
            value_usd: a.value,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(
        date: (i32, u32, u32),
        muni: &str,
        boat: BoatType,
        effort: f64,
        kg: f64,
    ) -> SummaryInput {
        SummaryInput {
            date: NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap_or_default(),
            municipality: muni.into(),
            boat_type: boat,
            effort: FisherHours::new(effort).unwrap_or_default(),
            catch: Kilograms::new(kg).unwrap_or_default(),
            value_usd: Some(1.0),
        }
    }

    #[test]
    fn every_scope_gets_its_rows_with_distinct_days_and_a_cpue_of_totals() {
        let rows = summarise(&[
            input((2018, 5, 2), "Atauro", BoatType::Canoe, 4.0, 12.0),
            input((2018, 5, 2), "Atauro", BoatType::Motor, 10.0, 0.0),
            input((2018, 5, 9), "Baucau", BoatType::Canoe, 6.0, 8.0),
            input((2018, 6, 1), "Baucau", BoatType::Canoe, 3.0, 3.0),
        ]);
        let national: Vec<_> = rows
            .iter()
            .filter(|r| r.scope == SummaryScope::National)
            .collect();
        assert_eq!(national.len(), 2);
        let may = national[0];
        assert_eq!(may.month.to_string(), "2018-05");
        assert_eq!((may.landings, may.fishing_days), (3, 2));
        assert_eq!(may.effort.value(), 20.0);
        assert_eq!(may.catch.value(), 20.0);
        assert_eq!(may.cpue.value(), 1.0);
        assert_eq!(may.value_usd, 3.0);

        let atauro = rows
            .iter()
            .find(|r| r.scope == SummaryScope::Municipality("Atauro".into()))
            .map(|r| (r.landings, r.fishing_days, r.cpue.value()));
        assert_eq!(atauro, Some((2, 1, 12.0 / 14.0)));

        let canoe_may = rows
            .iter()
            .find(|r| r.scope == SummaryScope::BoatType(BoatType::Canoe) && r.month.month() == 5)
            .map(|r| (r.landings, r.catch.value()));
        assert_eq!(canoe_may, Some((2, 20.0)));
        // national, 2 municipalities × months, 2 boat types × months
        assert_eq!(rows.len(), 2 + 3 + 3);
        assert_eq!(rows[0].scope.kind(), "national");
    }

    #[test]
    fn no_landings_no_rows() {
        assert!(summarise(&[]).is_empty());
    }
}
