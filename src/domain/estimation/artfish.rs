//! FAO ArtFish estimates of one estimation context (one minor stratum, one month, one
//! boat/gear type), after FAO Fisheries Technical Paper 425 (Stamatopoulos, "Sample-based
//! fishery surveys: a technical handbook", 2002; "FTP425" below) and the ArtBasic program
//! that implements it. DOMAIN.md ("FAO ArtFish") gives the formulas and the worked examples
//! the tests check.
//!
//! Units: boat-days for effort, kilograms for catch, kilograms per boat-day for CPUE, the
//! price's currency per kilogram for prices and values. Accuracies, shares and coefficients
//! of variation are fractions (0.9, not 90 %).

use std::collections::BTreeMap;

/// z of the two-sided 95 % normal interval (FTP425 uses 1.96 throughout).
pub const Z95: f64 = 1.96;

/// σ of the boat activity accuracy indicator: the largest standard deviation of a yes/no
/// variable (FTP425 §9.3).
pub const BAC_SIGMA: f64 = 0.5;

/// One sampled site-day of boat activity: of the boats examined, how many fished.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ActivitySample {
    /// Boats seen fishing (or having fished) that day.
    pub boats_active: u32,
    /// Boats whose activity was checked that day.
    pub boats_examined: u32,
}

impl ActivitySample {
    /// The day's share of active boats, or `None` when no boat was examined.
    pub fn share(&self) -> Option<f64> {
        (self.boats_examined > 0)
            .then(|| f64::from(self.boats_active) / f64::from(self.boats_examined))
    }
}

/// The boat activity coefficient: the probability that a boat fishes on a given day, Σ
/// boats active ÷ Σ boats examined over the sampled site-days (FTP425 §9.4, a ratio of
/// totals).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct BoatActivityCoefficient(f64);

impl BoatActivityCoefficient {
    /// The coefficient of `samples`, or `None` when no boat was examined (or more boats were
    /// active than examined: a sample that cannot be).
    pub fn of(samples: &[ActivitySample]) -> Option<Self> {
        let active: u64 = samples.iter().map(|s| u64::from(s.boats_active)).sum();
        let examined: u64 = samples.iter().map(|s| u64::from(s.boats_examined)).sum();
        (examined > 0 && active <= examined)
            .then(|| BoatActivityCoefficient(active as f64 / examined as f64))
    }

    /// The coefficient, in [0, 1].
    pub fn value(self) -> f64 {
        self.0
    }
}

/// Fishing effort (boat-days) = BAC × F × A (FTP425 §3.4): `frame_boats` (F) boats of the
/// boat/gear type in the frame survey of the stratum's sites, fishing `active_days` (A)
/// days of the month.
pub fn effort_boat_days(bac: BoatActivityCoefficient, frame_boats: u32, active_days: u32) -> f64 {
    bac.value() * f64::from(frame_boats) * f64::from(active_days)
}

/// One species line of a sampled landing.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeciesLine {
    /// The species (a code or a name, as the source gives it).
    pub species: String,
    /// Its weight in the sample (kg).
    pub kg: f64,
    /// Its number of fish, when recorded.
    pub fish: Option<u32>,
    /// Its price per kg, when recorded.
    pub price_per_kg: Option<f64>,
}

/// One sampled landing: its catch, the effort that caught it, and its species lines.
#[derive(Debug, Clone, PartialEq)]
pub struct LandingSample {
    /// Total catch of the sample (kg); 0 for a landing that caught nothing (it stays in:
    /// FTP425 §10.3, dropping it overestimates CPUE).
    pub catch_kg: f64,
    /// Effort of the sample: fishing units × trip days (boat-days).
    pub boat_days: f64,
    /// Its species lines (their kilograms add up to `catch_kg`).
    pub lines: Vec<SpeciesLine>,
}

/// CPUE (kg per boat-day) = Σ sampled catch ÷ Σ sampled effort (FTP425 §10.3.7: a ratio of
/// totals), or `None` when the samples hold no effort.
pub fn cpue(samples: &[LandingSample]) -> Option<f64> {
    let catch: f64 = samples.iter().map(|s| s.catch_kg).sum();
    let days: f64 = samples.iter().map(|s| s.boat_days).sum();
    (days > 0.0).then(|| catch / days)
}

/// The accuracy indicator 1 − z · σ/√n · √(1 − n/N) of a sample of `n` out of a population
/// of `population` (N), with the variable's standard deviation `sigma` (FTP425 §9.3 and
/// §10.3), kept within [0, 1]. `None` when nothing was sampled.
pub fn accuracy(sigma: f64, n: f64, population: f64) -> Option<f64> {
    if n <= 0.0 {
        return None;
    }
    let coverage = if population > 0.0 {
        (1.0 - n / population).max(0.0)
    } else {
        1.0
    };
    Some((1.0 - Z95 * sigma / n.sqrt() * coverage.sqrt()).clamp(0.0, 1.0))
}

/// σ of the CPUE accuracy indicator for a population of `population` (N) boat-days:
/// √((2N − 1) ÷ (6(N − 1)) − 1/4), which tends to √(1/12) for large N (FTP425 §10.3).
pub fn cpue_sigma(population: f64) -> f64 {
    if population <= 1.0 || !population.is_finite() {
        return (1.0f64 / 12.0).sqrt();
    }
    ((2.0 * population - 1.0) / (6.0 * (population - 1.0)) - 0.25)
        .max(0.0)
        .sqrt()
}

/// The sample size that reaches `target` accuracy (e.g. 0.9) for a variable of standard
/// deviation `sigma` in a population of `population` (N): the n that solves
/// [`accuracy`]`(σ, n, N) = target`, n = 1 ÷ ((1 − target)² ÷ (z σ)² + 1/N), rounded to the
/// nearest whole. FTP425 tabulates, for N above 50,000, the sizes of an unbounded
/// population (`f64::INFINITY`): 32 landings and 96 boats for 90 %, 128 and 384 for 95 %; a
/// bounded N needs a few less. `None` for a target outside (0, 1).
pub fn safe_sample_size(sigma: f64, target: f64, population: f64) -> Option<u32> {
    if !(target > 0.0 && target < 1.0) || sigma <= 0.0 {
        return None;
    }
    let inverse_n = (1.0 - target).powi(2) / (Z95 * sigma).powi(2)
        + if population > 0.0 {
            1.0 / population
        } else {
            0.0
        };
    Some((1.0 / inverse_n).round() as u32)
}

/// The sample standard deviation (n − 1) of `values`, or `None` for fewer than two.
fn sample_sd(values: &[f64]) -> Option<f64> {
    if values.len() < 2 {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    Some((values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt())
}

/// CV of the boat activity coefficient: sd(pᵢ) ÷ √k ÷ BAC × √(1 − n/N), over the k sampled
/// site-days' shares pᵢ (sample standard deviation), n boats examined, N = F × A (DOMAIN.md,
/// "Variability"). `None` with fewer than two site-days or a zero BAC.
pub fn bac_cv(
    samples: &[ActivitySample],
    bac: BoatActivityCoefficient,
    population: f64,
) -> Option<f64> {
    let shares: Vec<f64> = samples.iter().filter_map(ActivitySample::share).collect();
    let sd = sample_sd(&shares)?;
    if bac.value() <= 0.0 {
        return None;
    }
    let n: f64 = samples.iter().map(|s| f64::from(s.boats_examined)).sum();
    let coverage = if population > 0.0 {
        (1.0 - n / population).max(0.0)
    } else {
        1.0
    };
    Some(sd / (shares.len() as f64).sqrt() / bac.value() * coverage.sqrt())
}

/// CV of CPUE: √(Σ (cᵢ/dᵢ − CPUE)² ÷ ((n − 1) · n)) ÷ CPUE over the n samples with effort
/// (DOMAIN.md, "Variability"). `None` with fewer than two samples or a zero CPUE.
pub fn cpue_cv(samples: &[LandingSample], cpue: f64) -> Option<f64> {
    let rates: Vec<f64> = samples
        .iter()
        .filter(|s| s.boat_days > 0.0)
        .map(|s| s.catch_kg / s.boat_days)
        .collect();
    let n = rates.len() as f64;
    if rates.len() < 2 || cpue <= 0.0 {
        return None;
    }
    let sum_sq: f64 = rates.iter().map(|r| (r - cpue).powi(2)).sum();
    Some((sum_sq / ((n - 1.0) * n)).sqrt() / cpue)
}

/// The 95 % limits of `estimate` with coefficient of variation `cv`: estimate × (1 ∓ 1.96
/// CV), the lower one not below 0.
pub fn limits(estimate: f64, cv: f64) -> (f64, f64) {
    (
        (estimate * (1.0 - Z95 * cv)).max(0.0),
        estimate * (1.0 + Z95 * cv),
    )
}

/// One species of an estimate (FTP425 §2.2.5).
#[derive(Debug, Clone, PartialEq)]
pub struct SpeciesEstimate {
    /// The species.
    pub species: String,
    /// Its share of the sampled weight (fraction).
    pub share: f64,
    /// Its estimated catch (kg) = share × total catch.
    pub catch_kg: f64,
    /// Its CPUE (kg per boat-day) = share × CPUE.
    pub cpue: f64,
    /// Its price per kg: Σ(kg × price) ÷ Σ kg over the lines that record a price.
    pub price_per_kg: Option<f64>,
    /// Its mean weight (kg per fish): Σ kg ÷ Σ fish over the lines that record a count.
    pub mean_weight_kg: Option<f64>,
    /// Its value = catch × price (none without a price).
    pub value: Option<f64>,
}

/// The species of `samples` raised to `total_catch` kg at `total_cpue`, by share of the
/// sampled weight, in the order of their names.
pub fn species_estimates(
    samples: &[LandingSample],
    total_catch: f64,
    total_cpue: f64,
) -> Vec<SpeciesEstimate> {
    #[derive(Default)]
    struct Sums {
        kg: f64,
        priced_kg: f64,
        price_kg: f64,
        counted_kg: f64,
        fish: f64,
    }
    let mut by: BTreeMap<&str, Sums> = BTreeMap::new();
    let mut all = 0.0;
    for line in samples.iter().flat_map(|s| &s.lines) {
        let s = by.entry(line.species.as_str()).or_default();
        s.kg += line.kg;
        all += line.kg;
        if let Some(p) = line.price_per_kg {
            s.priced_kg += line.kg;
            s.price_kg += line.kg * p;
        }
        if let Some(n) = line.fish {
            s.counted_kg += line.kg;
            s.fish += f64::from(n);
        }
    }
    by.into_iter()
        .map(|(species, s)| {
            let share = if all > 0.0 { s.kg / all } else { 0.0 };
            let catch_kg = share * total_catch;
            let price_per_kg = (s.priced_kg > 0.0).then(|| s.price_kg / s.priced_kg);
            SpeciesEstimate {
                species: species.to_string(),
                share,
                catch_kg,
                cpue: share * total_cpue,
                price_per_kg,
                mean_weight_kg: (s.fish > 0.0).then(|| s.counted_kg / s.fish),
                value: price_per_kg.map(|p| catch_kg * p),
            }
        })
        .collect()
}

/// What an estimation context is estimated from.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ArtfishInputs {
    /// F: boats of the boat/gear type in the frame survey of the stratum's sites.
    pub frame_boats: u32,
    /// A: active days of the month.
    pub active_days: u32,
    /// The sampled site-days of boat activity.
    pub activity: Vec<ActivitySample>,
    /// The sampled landings.
    pub landings: Vec<LandingSample>,
}

/// An estimation context's figures (FTP425 chapters 9–11). A figure the samples cannot give
/// (no boat examined, no landing sampled, fewer than two samples for a variance) is `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct ArtfishEstimate {
    /// Boat activity coefficient.
    pub bac: Option<f64>,
    /// Its accuracy indicator (σ = 0.5, n = boats examined, N = F × A).
    pub bac_accuracy: Option<f64>,
    /// Its coefficient of variation.
    pub bac_cv: Option<f64>,
    /// Effort (boat-days) = BAC × F × A.
    pub effort_boat_days: Option<f64>,
    /// 95 % limits of the effort (its CV is the BAC's).
    pub effort_limits: Option<(f64, f64)>,
    /// CPUE (kg per boat-day).
    pub cpue: Option<f64>,
    /// Its accuracy indicator (n = landings sampled, N = the estimated effort).
    pub cpue_accuracy: Option<f64>,
    /// Its coefficient of variation.
    pub cpue_cv: Option<f64>,
    /// Catch (kg) = effort × CPUE.
    pub catch_kg: Option<f64>,
    /// Its coefficient of variation √(CV_BAC² + CV_CPUE²).
    pub catch_cv: Option<f64>,
    /// 95 % limits of the catch.
    pub catch_limits: Option<(f64, f64)>,
    /// Value: the sum of the species' values (none when no species has a price).
    pub value: Option<f64>,
    /// The species, by name.
    pub species: Vec<SpeciesEstimate>,
    /// Boats examined in the activity samples (n of the BAC accuracy).
    pub boats_examined: u32,
    /// Site-days sampled for activity.
    pub activity_days: usize,
    /// Landings sampled (n of the CPUE accuracy).
    pub landings_sampled: usize,
}

/// Estimates one context from its inputs.
pub fn estimate(inputs: &ArtfishInputs) -> ArtfishEstimate {
    let population = f64::from(inputs.frame_boats) * f64::from(inputs.active_days);
    let examined: u32 = inputs
        .activity
        .iter()
        .map(|s| s.boats_examined)
        .fold(0u32, u32::saturating_add);
    let bac = BoatActivityCoefficient::of(&inputs.activity);
    let bac_cv = bac.and_then(|b| bac_cv(&inputs.activity, b, population));
    let effort = bac.map(|b| effort_boat_days(b, inputs.frame_boats, inputs.active_days));
    let cpue_value = cpue(&inputs.landings);
    let n_landings = inputs.landings.len();
    let cpue_accuracy = match (cpue_value, effort) {
        (Some(_), Some(e)) => accuracy(cpue_sigma(e), n_landings as f64, e),
        _ => None,
    };
    let cpue_cv = cpue_value.and_then(|c| cpue_cv(&inputs.landings, c));
    let catch_kg = effort.zip(cpue_value).map(|(e, c)| e * c);
    let catch_cv = bac_cv.zip(cpue_cv).map(|(b, c)| (b * b + c * c).sqrt());
    let species = match (catch_kg, cpue_value) {
        (Some(total), Some(c)) => species_estimates(&inputs.landings, total, c),
        _ => Vec::new(),
    };
    let values: Vec<f64> = species.iter().filter_map(|s| s.value).collect();
    ArtfishEstimate {
        bac: bac.map(BoatActivityCoefficient::value),
        bac_accuracy: bac.and_then(|_| accuracy(BAC_SIGMA, f64::from(examined), population)),
        bac_cv,
        effort_boat_days: effort,
        effort_limits: effort.zip(bac_cv).map(|(e, cv)| limits(e, cv)),
        cpue: cpue_value,
        cpue_accuracy,
        cpue_cv,
        catch_kg,
        catch_cv,
        catch_limits: catch_kg.zip(catch_cv).map(|(c, cv)| limits(c, cv)),
        value: (!values.is_empty()).then(|| values.iter().sum()),
        species,
        boats_examined: examined,
        activity_days: inputs.activity.len(),
        landings_sampled: n_landings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9 * b.abs().max(1.0)
    }

    fn landing(kg: f64, days: f64) -> LandingSample {
        LandingSample {
            catch_kg: kg,
            boat_days: days,
            lines: Vec::new(),
        }
    }

    #[test]
    fn ftp425_3_4_3_effort_is_bac_times_boats_times_days() {
        let bac = BoatActivityCoefficient::of(&[ActivitySample {
            boats_active: 8,
            boats_examined: 10,
        }]);
        let bac = bac.unwrap_or_else(|| panic!("boats were examined"));
        assert!(close(effort_boat_days(bac, 500, 30), 12_000.0));
    }

    #[test]
    fn ftp425_9_4_2_bac_is_a_ratio_of_totals() {
        let days = [(7, 10), (3, 10), (4, 20), (6, 20), (20, 20)].map(|(a, e)| ActivitySample {
            boats_active: a,
            boats_examined: e,
        });
        let bac = BoatActivityCoefficient::of(&days).unwrap_or_else(|| panic!("examined"));
        assert!(close(bac.value(), 0.5));
        assert!(close(effort_boat_days(bac, 300, 30), 4_500.0));
        assert_eq!(BoatActivityCoefficient::of(&[]), None);
        let impossible = ActivitySample {
            boats_active: 3,
            boats_examined: 2,
        };
        assert_eq!(BoatActivityCoefficient::of(&[impossible]), None);
    }

    #[test]
    fn ftp425_10_3_7_cpue_is_a_ratio_of_totals() {
        let samples = [
            (10.0, 1.0),
            (5.0, 2.0),
            (20.0, 3.0),
            (25.0, 2.0),
            (10.0, 2.0),
        ]
        .map(|(kg, d)| landing(kg, d));
        assert_eq!(cpue(&samples), Some(7.0));
        assert_eq!(cpue(&[]), None);
    }

    #[test]
    fn zero_catch_trips_stay_in_the_cpue() {
        let with_zero = [landing(165.0, 2.0), landing(0.0, 1.0), landing(90.0, 1.0)];
        assert_eq!(cpue(&with_zero), Some(63.75));
        let dropped = [landing(165.0, 2.0), landing(90.0, 1.0)];
        assert_eq!(
            cpue(&dropped),
            Some(85.0),
            "what dropping it would overestimate"
        );
    }

    #[test]
    fn ftp425_2_2_5_species_catch_value_and_mean_weight() {
        // Shares 60 % and 40 % of the sampled weight; prices 5,000 and 6,000 per kg;
        // 1,000 fish counted in 500 kg and in 800 kg.
        let line = |species: &str, kg: f64, fish: Option<u32>, price: Option<f64>| SpeciesLine {
            species: species.into(),
            kg,
            fish,
            price_per_kg: price,
        };
        let samples = [LandingSample {
            catch_kg: 3_000.0,
            boat_days: 300.0,
            lines: vec![
                line("1", 500.0, Some(1_000), Some(5_000.0)),
                line("1", 1_300.0, None, None),
                line("2", 800.0, Some(1_000), Some(6_000.0)),
                line("2", 400.0, None, None),
            ],
        }];
        // Effort 1,000 boat-days at 10 kg per boat-day: catch 10,000 kg.
        let species = species_estimates(&samples, 10_000.0, 10.0);
        assert_eq!(species.len(), 2);
        let (one, two) = (&species[0], &species[1]);
        assert!(close(one.share, 0.6) && close(two.share, 0.4));
        assert!(close(one.catch_kg, 6_000.0) && close(two.catch_kg, 4_000.0));
        assert!(close(one.cpue, 6.0) && close(two.cpue, 4.0));
        assert_eq!(
            one.price_per_kg,
            Some(5_000.0),
            "lines without a price are left out"
        );
        assert_eq!(
            one.mean_weight_kg,
            Some(0.5),
            "lines without a count are left out"
        );
        assert_eq!(two.mean_weight_kg, Some(0.8));
        assert!(close(one.value.unwrap_or_default(), 30_000_000.0));
        assert!(close(two.value.unwrap_or_default(), 24_000_000.0));
        let total: f64 = species.iter().filter_map(|s| s.value).sum();
        assert!(close(total, 54_000_000.0));
    }

    #[test]
    fn safe_sample_sizes_for_90_and_95_percent_accuracy() {
        let unbounded = f64::INFINITY;
        let sigma = cpue_sigma(unbounded);
        assert_eq!(safe_sample_size(sigma, 0.90, unbounded), Some(32));
        assert_eq!(safe_sample_size(sigma, 0.95, unbounded), Some(128));
        assert_eq!(safe_sample_size(BAC_SIGMA, 0.90, unbounded), Some(96));
        assert_eq!(safe_sample_size(BAC_SIGMA, 0.95, unbounded), Some(384));
        // A bounded population needs a few less (finite population correction).
        let big = 60_000.0;
        assert_eq!(safe_sample_size(BAC_SIGMA, 0.95, big), Some(382));
        assert_eq!(safe_sample_size(cpue_sigma(big), 0.90, big), Some(32));
        // And the accuracy those sizes reach.
        let a = accuracy(sigma, 32.0, big).unwrap_or_default();
        assert!((a - 0.90).abs() < 0.002, "{a}");
        let a = accuracy(BAC_SIGMA, 96.0, big).unwrap_or_default();
        assert!((a - 0.90).abs() < 0.002, "{a}");
        assert_eq!(accuracy(BAC_SIGMA, 0.0, big), None);
        assert_eq!(safe_sample_size(BAC_SIGMA, 1.0, big), None);
    }

    #[test]
    fn a_whole_context_with_its_variability_and_limits() {
        let inputs = ArtfishInputs {
            frame_boats: 300,
            active_days: 30,
            activity: [(7, 10), (3, 10), (4, 20), (6, 20), (20, 20)]
                .map(|(a, e)| ActivitySample {
                    boats_active: a,
                    boats_examined: e,
                })
                .to_vec(),
            landings: [
                (10.0, 1.0),
                (5.0, 2.0),
                (20.0, 3.0),
                (25.0, 2.0),
                (10.0, 2.0),
            ]
            .map(|(kg, d)| landing(kg, d))
            .to_vec(),
        };
        let e = estimate(&inputs);
        assert_eq!(e.bac, Some(0.5));
        assert_eq!(e.effort_boat_days, Some(4_500.0));
        assert_eq!(e.cpue, Some(7.0));
        assert_eq!(e.catch_kg, Some(31_500.0));
        // CV of BAC: shares .7 .3 .2 .3 1 (mean .5, sample sd √(0.46/4)), k = 5, n = 80 of
        // N = 9,000.
        let sd = (0.46f64 / 4.0).sqrt();
        let expected = sd / 5f64.sqrt() / 0.5 * (1.0 - 80.0 / 9_000.0f64).sqrt();
        assert!(close(e.bac_cv.unwrap_or_default(), expected));
        // CV of CPUE: rates 10 2.5 6.67 12.5 5 around 7.
        let rates = [10.0, 2.5, 20.0 / 3.0, 12.5, 5.0];
        let ss: f64 = rates.iter().map(|r| (r - 7.0f64).powi(2)).sum();
        let expected_cpue_cv = (ss / 20.0).sqrt() / 7.0;
        assert!(close(e.cpue_cv.unwrap_or_default(), expected_cpue_cv));
        let catch_cv = (expected.powi(2) + expected_cpue_cv.powi(2)).sqrt();
        assert!(close(e.catch_cv.unwrap_or_default(), catch_cv));
        let (low, high) = e.catch_limits.unwrap_or_default();
        assert!(low < 31_500.0 && 31_500.0 < high);
        assert!(close(high - 31_500.0, 31_500.0 * 1.96 * catch_cv));
        assert_eq!(
            (e.boats_examined, e.activity_days, e.landings_sampled),
            (80, 5, 5)
        );
        assert!(e.bac_accuracy.unwrap_or_default() > 0.0);
        assert!(e.cpue_accuracy.unwrap_or_default() > 0.0);
        assert_eq!(e.value, None, "no price recorded");
    }

    #[test]
    fn an_empty_context_estimates_nothing_rather_than_zero() {
        let e = estimate(&ArtfishInputs {
            frame_boats: 10,
            active_days: 20,
            ..ArtfishInputs::default()
        });
        assert_eq!(e.bac, None);
        assert_eq!(e.catch_kg, None);
        assert_eq!(e.catch_limits, None);
        assert!(e.species.is_empty());
    }
}
