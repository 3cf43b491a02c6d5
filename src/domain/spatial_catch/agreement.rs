//! Agreement of tasi's matches with a reference set of links (e.g. the 968 survey ↔ PDS trip
//! links of the PeskAAS `tracked_trips.csv`, its `trip_id` column).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::matching::Match;

/// How tasi's matches agree with reference links, counted over distinct
/// (landing source id, trip source id) pairs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    /// Pairs in both.
    pub true_positives: u32,
    /// Pairs tasi matched that the reference does not link.
    pub false_positives: u32,
    /// Pairs the reference links that tasi did not match.
    pub false_negatives: u32,
    /// `TP ÷ (TP + FP)`: the share of tasi's matches the reference confirms; `None` when
    /// tasi matched nothing.
    pub precision: Option<f64>,
    /// `TP ÷ (TP + FN)`: the share of the reference's links tasi found; `None` when the
    /// reference is empty.
    pub recall: Option<f64>,
}

/// Compares `matches` with `reference` links given as (landing source id, trip source id)
/// pairs. Duplicate pairs on either side count once.
///
/// ```
/// use tasi::domain::spatial_catch::compare;
/// let a = compare(&[], &[(1, 10)]);
/// assert_eq!((a.false_negatives, a.precision, a.recall), (1, None, Some(0.0)));
/// ```
pub fn compare(matches: &[Match], reference: &[(i64, i64)]) -> Agreement {
    let found: HashSet<(i64, i64)> = matches
        .iter()
        .map(|m| (m.landing_source_id, m.trip_source_id))
        .collect();
    let expected: HashSet<(i64, i64)> = reference.iter().copied().collect();
    let tp = found.intersection(&expected).count() as u32;
    let fp = found.len() as u32 - tp;
    let fn_ = expected.len() as u32 - tp;
    let share = |part: u32, whole: u32| (whole > 0).then(|| f64::from(part) / f64::from(whole));
    Agreement {
        true_positives: tp,
        false_positives: fp,
        false_negatives: fn_,
        precision: share(tp, tp + fp),
        recall: share(tp, tp + fn_),
    }
}

#[cfg(test)]
mod tests {
    use super::super::imei::{Imei, ImeiMatch};
    use super::*;
    use chrono::NaiveDate;
    use uuid::Uuid;

    fn m(landing: i64, trip: i64) -> Match {
        Match {
            landing_id: Uuid::nil(),
            landing_source_id: landing,
            trip_id: Uuid::nil(),
            trip_source_id: trip,
            imei: Imei::parse("863835026738521").unwrap_or_else(|e| panic!("{e}")),
            date: NaiveDate::from_ymd_opt(2018, 5, 2).unwrap_or_default(),
            via: ImeiMatch::Suffix,
        }
    }

    #[test]
    fn precision_and_recall_count_pairs() {
        // found: (1,10) ok, (2,20) ok, (3,30) wrong trip; reference also has (4,40)
        let found = [m(1, 10), m(2, 20), m(3, 31), m(1, 10)];
        let reference = [(1, 10), (2, 20), (3, 30), (4, 40)];
        let a = compare(&found, &reference);
        assert_eq!(
            (a.true_positives, a.false_positives, a.false_negatives),
            (2, 1, 2)
        );
        assert_eq!(a.precision, Some(2.0 / 3.0));
        assert_eq!(a.recall, Some(0.5));
    }

    #[test]
    fn nothing_to_compare_has_no_rates() {
        let a = compare(&[], &[]);
        assert_eq!((a.precision, a.recall), (None, None));
        let a = compare(&[m(1, 10)], &[]);
        assert_eq!(
            (a.false_positives, a.precision, a.recall),
            (1, Some(0.0), None)
        );
    }
}
