//! The Peskas estimate (2021 onwards: `peskas.timor.data.pipeline`, `R/estimate-catch.R`),
//! per municipality and month: catch = mean catch per surveyed landing × trips per boat
//! per month × boats; revenue the same with the value per landing (DOMAIN.md, "Peskas").
//!
//! Where Peskas pads a month of fewer than 3 landings with 5 made-up observations at the
//! overall mean, tasi marks the month as thin ([`MIN_LANDINGS`]) and says so; it never
//! invents data. Its 95 % limits come from a bootstrap ([`bootstrap`]): resampling the
//! month's landings and the fleet's devices with replacement, [`REPLICATES`] times, from a
//! fixed seed, so that a re-run gives the same limits.

use std::collections::{BTreeMap, BTreeSet};

/// Fewer landings than this in a month make it thin (Peskas pads such months).
pub const MIN_LANDINGS: usize = 3;

/// Bootstrap replicates of an estimate's limits (2,000: enough for stable 2.5 and 97.5
/// percentiles, Efron and Tibshirani, "An Introduction to the Bootstrap", 1993, §13.3).
pub const REPLICATES: usize = 2_000;

/// The seed of every bootstrap: a fixed number, so that limits are reproducible.
pub const SEED: u64 = 0x7A51_2026;

/// How much of a fleet carries a tracker: grades of Peskas Zanzibar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CoverageGrade {
    /// Under 10 % of the boats.
    Low,
    /// 10 to 29 %.
    Medium,
    /// 30 % or more.
    High,
}

impl CoverageGrade {
    /// The grade of `devices` trackers in a fleet of `boats` (none without boats).
    pub fn of(devices: usize, boats: u32) -> Option<CoverageGrade> {
        if boats == 0 {
            return None;
        }
        let share = devices as f64 / f64::from(boats);
        Some(if share >= 0.30 {
            CoverageGrade::High
        } else if share >= 0.10 {
            CoverageGrade::Medium
        } else {
            CoverageGrade::Low
        })
    }

    /// `low`, `medium` or `high`.
    pub fn key(self) -> &'static str {
        match self {
            CoverageGrade::Low => "low",
            CoverageGrade::Medium => "medium",
            CoverageGrade::High => "high",
        }
    }
}

/// Trips per device in each month a device was seen, without each device's first and last
/// months (partial: it was installed or stopped during them). `trips` are (device, month as
/// `yyyymm`, trip id); a trip counted twice counts once. Returns, per month, each complete
/// device's trip count.
pub fn trips_per_device(trips: &[(String, u32, String)]) -> BTreeMap<u32, Vec<u32>> {
    let mut by_device: BTreeMap<&str, BTreeMap<u32, BTreeSet<&str>>> = BTreeMap::new();
    for (device, month, trip) in trips {
        by_device
            .entry(device.as_str())
            .or_default()
            .entry(*month)
            .or_default()
            .insert(trip.as_str());
    }
    let mut out: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for months in by_device.values() {
        let (Some(first), Some(last)) = (months.keys().next(), months.keys().next_back()) else {
            continue;
        };
        for (month, trips) in months {
            if month != first && month != last {
                out.entry(*month).or_default().push(trips.len() as u32);
            }
        }
    }
    out
}

/// A municipality-month's estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct PeskasEstimate {
    /// Mean catch per surveyed landing (kg).
    pub catch_per_landing: f64,
    /// Mean value per surveyed landing (USD), over the landings that record one.
    pub value_per_landing: Option<f64>,
    /// Mean trips per boat in the month (over complete device-months).
    pub trips_per_boat: f64,
    /// Registered boats.
    pub boats: u32,
    /// Catch (kg) = catch per landing × trips per boat × boats.
    pub catch_kg: f64,
    /// 95 % bootstrap limits of the catch.
    pub catch_limits: (f64, f64),
    /// Value (USD), the same with the value per landing.
    pub value_usd: Option<f64>,
    /// 95 % bootstrap limits of the value.
    pub value_limits: Option<(f64, f64)>,
    /// Surveyed landings behind it.
    pub landings: usize,
    /// Devices behind the trips per boat.
    pub devices: usize,
    /// Fewer than [`MIN_LANDINGS`] landings: shown, but marked thin.
    pub thin: bool,
}

/// One surveyed landing of the month: its catch (kg) and value (USD) when recorded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SurveyedCatch {
    /// Catch (kg).
    pub catch_kg: f64,
    /// Value (USD), when recorded.
    pub value_usd: Option<f64>,
}

/// Estimates a municipality-month from its surveyed landings, the trips of its complete
/// devices that month, and its registered boats. `None` without a landing or a device.
pub fn estimate(
    landings: &[SurveyedCatch],
    device_trips: &[u32],
    boats: u32,
) -> Option<PeskasEstimate> {
    if landings.is_empty() || device_trips.is_empty() {
        return None;
    }
    let point = |ls: &[SurveyedCatch], ds: &[u32]| -> (f64, Option<f64>) {
        let tpb = mean(ds.iter().map(|&t| f64::from(t)));
        let catch = mean(ls.iter().map(|l| l.catch_kg)) * tpb * f64::from(boats);
        let values: Vec<f64> = ls.iter().filter_map(|l| l.value_usd).collect();
        let value =
            (!values.is_empty()).then(|| mean(values.iter().copied()) * tpb * f64::from(boats));
        (catch, value)
    };
    let (catch_kg, value_usd) = point(landings, device_trips);
    let mut rng = SplitMix64::new(SEED);
    let mut catches = Vec::with_capacity(REPLICATES);
    let mut values = Vec::with_capacity(REPLICATES);
    let mut ls = Vec::with_capacity(landings.len());
    let mut ds = Vec::with_capacity(device_trips.len());
    for _ in 0..REPLICATES {
        ls.clear();
        ds.clear();
        ls.extend((0..landings.len()).map(|_| landings[rng.below(landings.len())]));
        ds.extend((0..device_trips.len()).map(|_| device_trips[rng.below(device_trips.len())]));
        let (c, v) = point(&ls, &ds);
        catches.push(c);
        if let Some(v) = v {
            values.push(v);
        }
    }
    let values_known = value_usd.is_some() && !values.is_empty();
    Some(PeskasEstimate {
        catch_per_landing: mean(landings.iter().map(|l| l.catch_kg)),
        value_per_landing: {
            let v: Vec<f64> = landings.iter().filter_map(|l| l.value_usd).collect();
            (!v.is_empty()).then(|| mean(v.into_iter()))
        },
        trips_per_boat: mean(device_trips.iter().map(|&t| f64::from(t))),
        boats,
        catch_kg,
        catch_limits: percentile_interval(&mut catches),
        value_usd,
        value_limits: values_known.then(|| percentile_interval(&mut values)),
        landings: landings.len(),
        devices: device_trips.len(),
        thin: landings.len() < MIN_LANDINGS,
    })
}

/// Resamples `draws` of a population of `n` items (indices below `n`) with replacement:
/// the bootstrap's draws, exposed for the statistics' own tests.
pub fn bootstrap(n: usize, draws: usize, seed: u64) -> Vec<usize> {
    let mut rng = SplitMix64::new(seed);
    (0..draws).map(|_| rng.below(n)).collect()
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 { 0.0 } else { sum / n as f64 }
}

/// The 2.5th and 97.5th percentiles of `values` (sorted in place; nearest rank).
fn percentile_interval(values: &mut [f64]) -> (f64, f64) {
    if values.is_empty() {
        return (0.0, 0.0);
    }
    values.sort_by(f64::total_cmp);
    let at = |p: f64| {
        let rank = ((p * values.len() as f64).ceil() as usize).clamp(1, values.len());
        values[rank - 1]
    };
    (at(0.025), at(0.975))
}

/// SplitMix64 (G. L. Steele, D. Lea and C. H. Flood, "Fast splittable pseudorandom number
/// generators", OOPSLA 2014): a small generator whose output for a seed is fixed by its
/// definition, so the bootstrap's limits never change with a library's version.
struct SplitMix64(u64);

impl SplitMix64 {
    fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform index below `n` (Lemire's multiply-shift; its bias below 2⁻³² for the
    /// sample sizes here is immaterial).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_gives_its_published_sequence() {
        // The first outputs for seed 1234567 (the reference implementation's test vector).
        let mut r = SplitMix64::new(1_234_567);
        assert_eq!(r.next(), 6_457_827_717_110_365_317);
        assert_eq!(r.next(), 3_203_168_211_198_807_973);
        assert_eq!(r.next(), 9_817_491_932_198_370_423);
    }

    #[test]
    fn a_devices_first_and_last_months_are_left_out() {
        let t = |d: &str, m: u32, id: &str| (d.to_string(), m, id.to_string());
        let trips = vec![
            t("a", 202101, "1"),
            t("a", 202102, "2"),
            t("a", 202102, "3"),
            t("a", 202102, "3"), // counted once
            t("a", 202103, "4"),
            t("b", 202102, "5"), // b's only month: first and last
        ];
        let per = trips_per_device(&trips);
        assert_eq!(per.get(&202102), Some(&vec![2]));
        assert_eq!(per.get(&202101), None);
        assert_eq!(per.get(&202103), None);
    }

    #[test]
    fn coverage_is_graded_as_peskas_zanzibar_does() {
        assert_eq!(CoverageGrade::of(30, 100), Some(CoverageGrade::High));
        assert_eq!(CoverageGrade::of(29, 100), Some(CoverageGrade::Medium));
        assert_eq!(CoverageGrade::of(10, 100), Some(CoverageGrade::Medium));
        assert_eq!(CoverageGrade::of(9, 100), Some(CoverageGrade::Low));
        assert_eq!(CoverageGrade::of(3, 0), None);
    }

    #[test]
    fn catch_is_mean_catch_times_trips_times_boats_with_reproducible_limits() {
        let landings: Vec<SurveyedCatch> = [10.0, 20.0, 30.0, 40.0]
            .iter()
            .map(|&kg| SurveyedCatch {
                catch_kg: kg,
                value_usd: Some(kg * 2.0),
            })
            .collect();
        let e = estimate(&landings, &[10, 20], 50).unwrap_or_else(|| panic!("estimable"));
        // 25 kg × 15 trips × 50 boats.
        assert_eq!(e.catch_kg, 18_750.0);
        assert_eq!(e.value_usd, Some(37_500.0));
        assert!(!e.thin);
        let (low, high) = e.catch_limits;
        assert!(
            low <= e.catch_kg && e.catch_kg <= high && low < high,
            "{low} {high}"
        );
        let again = estimate(&landings, &[10, 20], 50).unwrap_or_else(|| panic!("estimable"));
        assert_eq!(
            again.catch_limits, e.catch_limits,
            "the same seed, the same limits"
        );
        // Two landings: thin, and said so; nothing is padded.
        let thin = estimate(&landings[..2], &[10], 50).unwrap_or_else(|| panic!("estimable"));
        assert!(thin.thin);
        assert_eq!(thin.landings, 2);
        assert_eq!(thin.catch_kg, 15.0 * 10.0 * 50.0);
        assert_eq!(estimate(&[], &[10], 50), None);
        assert_eq!(estimate(&landings, &[], 50), None);
    }

    #[test]
    fn the_bootstrap_draws_every_index_in_range() {
        let draws = bootstrap(7, 10_000, SEED);
        assert!(draws.iter().all(|&i| i < 7));
        for i in 0..7 {
            let n = draws.iter().filter(|&&d| d == i).count();
            assert!((1_200..1_650).contains(&n), "index {i} drawn {n} times");
        }
    }
}
