//! Rule set `peskaas-2020`: the validation and repair rules with which the PeskAAS
//! application built its summaries (DOMAIN.md "Rule set `peskaas-2020`"; PeskAAS `app.R`,
//! shaunpwilkinson/peskAAS, the data preparation of the summary screen).
//!
//! The rule set never changes a landing: it assesses it, giving the values summaries use and
//! the flags it raised. Thresholds live in [`Peskaas2020`] so they are stated once.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::codes::{BoatType, Habitat};
use super::effort::FisherHours;
use super::flags::{QualityFlag, Severity};
use super::landing::SurveyedLanding;
use crate::domain::shared::UnknownCode;
use crate::domain::shared::{Kilograms, Usd};

/// The outcome of a rule set on one landing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// Name and version of the rule set (`peskaas-2020`).
    pub rule_set: String,
    /// Every rule broken, in the order the rule set checks them.
    pub flags: Vec<QualityFlag>,
    /// Hours at sea after repair (0 → 3, above 72 → 72); `None` when missing or negative.
    pub hours_at_sea: Option<f64>,
    /// Fisher-hours after repair (0 → 3, above 144 → 144); `None` when missing or negative.
    pub effort: Option<FisherHours>,
    /// The habitat code summaries use (traditional FAD lumped into FAD; 6 → 5, 7 → 6).
    pub summary_habitat_code: Option<i16>,
    /// Catch of the landing: Σ weight of its catch lines (0 when it has none).
    pub catch: Kilograms,
    /// The boat type when it is one that summaries count (canoe or motor boat).
    pub summary_boat_type: Option<BoatType>,
    /// The reported catch value that value totals use; `None` when not reported or
    /// implausible (see [`Peskaas2020::max_usd_per_kg`]).
    pub value: Option<Usd>,
}

impl Assessment {
    /// True when no rule of severity error was broken: the landing counts in summaries.
    pub fn is_valid(&self) -> bool {
        !self.flags.iter().any(|f| f.severity == Severity::Error)
    }

    /// True when the landing enters the monthly summaries: valid, and by a canoe or motor
    /// boat (shore fishing is not summarised by `peskaas-2020`).
    pub fn counts_in_summaries(&self) -> bool {
        self.is_valid() && self.summary_boat_type.is_some()
    }
}

/// Rule set `peskaas-2020`: thresholds of the PeskAAS application (DOMAIN.md).
#[derive(Debug, Clone, PartialEq)]
pub struct Peskaas2020 {
    /// The first date of the survey programme: earlier dates are errors (2016-09-01).
    pub survey_start: NaiveDate,
    /// Hours at sea put in place of a reported 0 (3 h).
    pub hours_when_zero: f64,
    /// Highest hours at sea kept; more is capped (72 h).
    pub max_hours_at_sea: f64,
    /// Fisher-hours put in place of a reported 0 (3).
    pub fisher_hours_when_zero: f64,
    /// Highest fisher-hours kept; more is capped (144).
    pub max_fisher_hours: f64,
    /// Highest plausible catch rate, kg per fisher-hour; a landing above it is excluded (100).
    pub max_kg_per_fisher_hour: f64,
    /// Source catch flags that keep a landing (0 none, 4 price below 0.05 USD/kg and 5 price
    /// above 6 USD/kg are warnings; every other flag excludes it).
    pub accepted_source_flags: [i16; 3],
    /// Source catch flags that are warnings rather than clean (4 and 5).
    pub warning_source_flags: [i16; 2],
    /// Highest plausible value of a landing's catch, USD per kg (100). Not a PeskAAS rule
    /// (PeskAAS published no value figures): tasi's guard for value totals, 16× the price
    /// above which PeskAAS flags a catch line (6 USD/kg, catch flag 5). Of the 21,249
    /// landings the PeskAAS data summarises it sets aside 42 values, among them one of
    /// 9,401,328 USD for 30 kg. A value reported with no catch is set aside too (15 more).
    pub max_usd_per_kg: f64,
    /// The rule set's name and version ([`PESKAAS_2020`] or [`TASI_2026`]).
    pub name: &'static str,
    /// Whether a landing whose only catch line is "no catch" (species 0) needs no length,
    /// count or weight, and counts as a landing with catch 0: `tasi-2026` (FTP425 §10.3:
    /// zero-catch trips stay in, or CPUE is overestimated); `peskaas-2020` excludes them.
    pub zero_catch_counts: bool,
}

/// The name and version of this rule set.
pub const PESKAAS_2020: &str = "peskaas-2020";

/// The name and version of `tasi-2026`: `peskaas-2020` with one change, zero-catch
/// landings counted (DOMAIN.md, "Rule set tasi-2026").
pub const TASI_2026: &str = "tasi-2026";

impl Default for Peskaas2020 {
    fn default() -> Self {
        Peskaas2020 {
            survey_start: NaiveDate::from_ymd_opt(2016, 9, 1).unwrap_or(NaiveDate::MIN),
            hours_when_zero: 3.0,
            max_hours_at_sea: 72.0,
            fisher_hours_when_zero: 3.0,
            max_fisher_hours: 144.0,
            max_kg_per_fisher_hour: 100.0,
            accepted_source_flags: [0, 4, 5],
            warning_source_flags: [4, 5],
            max_usd_per_kg: 100.0,
            name: PESKAAS_2020,
            zero_catch_counts: false,
        }
    }
}

impl Peskaas2020 {
    /// Rule set `tasi-2026`: `peskaas-2020` with zero-catch landings counted.
    pub fn tasi_2026() -> Self {
        Peskaas2020 {
            name: TASI_2026,
            zero_catch_counts: true,
            ..Peskaas2020::default()
        }
    }
}

fn num(v: f64) -> String {
    format!("{v}")
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

impl Peskaas2020 {
    /// Assesses `landing` as of `today` (dates after it are in the future).
    ///
    /// Steps, in DOMAIN.md order: (1) repair hours and fisher-hours; (2) recode habitats;
    /// (3) errors for incomplete or source-flagged catch lines, unknown municipality,
    /// missing habitat, gear or fisher-hours, dates before the survey start, missing or in
    /// the future; (4) catch = Σ catch-line weights; (5) error above 100 kg per fisher-hour;
    /// (6, tasi's) a warning that sets aside an implausible catch value from value totals.
    ///
    /// Where PeskAAS let a value through that cannot be a measurement, tasi flags an error
    /// too: negative hours or fisher-hours, negative weights, and codes outside the code
    /// lists. None of these changes the figures on the PeskAAS data set (the one landing
    /// with negative hours is excluded by a catch flag already).
    pub fn assess(&self, landing: &SurveyedLanding, today: NaiveDate) -> Assessment {
        let mut flags = Vec::new();

        // 1. Hours at sea and fisher-hours: a reported 0 becomes 3, long trips are capped.
        let hours_at_sea = self.repair(
            landing.hours_at_sea,
            "hours_at_sea",
            self.hours_when_zero,
            self.max_hours_at_sea,
            &mut flags,
        );
        let effort_hours = self.repair(
            landing.fisher_hours,
            "fisher_hours",
            self.fisher_hours_when_zero,
            self.max_fisher_hours,
            &mut flags,
        );
        let effort = effort_hours.and_then(|h| FisherHours::new(h).ok());

        // 2. Habitat, lumped as the summaries count it.
        let summary_habitat_code = match coded(
            landing.habitat(),
            "habitat",
            landing.habitat_code,
            &mut flags,
        ) {
            None => None,
            Some(h) => {
                if h == Habitat::TraditionalFad {
                    flags.push(QualityFlag::new(
                        "habitat.traditional_fad_as_fad",
                        Severity::Warning,
                        "Traditional FAD is counted as FAD in summaries.",
                        vec![("habitat_code", h.code().to_string())],
                    ));
                }
                Some(h.summary_code())
            }
        };

        // 3. Catch lines, municipality, gear, effort, date.
        let mut catch_g = 0.0;
        // tasi-2026: a landing that caught nothing has one line, species 0, and nothing to
        // measure.
        let no_catch_only = self.zero_catch_counts
            && landing.catch_lines.len() == 1
            && landing.catch_lines[0].species_code == Some(0);
        for (i, line) in landing.catch_lines.iter().enumerate() {
            let line_no = (i + 1).to_string();
            let mut missing = Vec::new();
            if line.species_code.is_none() {
                missing.push("species");
            }
            if line.length_cm.is_none() && !no_catch_only {
                missing.push("length");
            }
            if line.count.is_none() && !no_catch_only {
                missing.push("count");
            }
            if line.weight_g.is_none() && !no_catch_only {
                missing.push("weight");
            }
            if line.source_flag.is_none() {
                missing.push("source flag");
            }
            if !missing.is_empty() {
                flags.push(QualityFlag::new(
                    "catch_line.incomplete",
                    Severity::Error,
                    format!("Catch line {line_no} has no {}.", missing.join(", ")),
                    vec![("catch_line", line_no.clone())],
                ));
            }
            if let Some(flag) = line.source_flag {
                if !self.accepted_source_flags.contains(&flag) {
                    flags.push(QualityFlag::new(
                        "catch_line.source_flag",
                        Severity::Error,
                        format!(
                            "Catch line {line_no} carries source flag {flag} ({}).",
                            source_flag_meaning(flag)
                        ),
                        vec![
                            ("catch_line", line_no.clone()),
                            ("flag_code", flag.to_string()),
                        ],
                    ));
                } else if self.warning_source_flags.contains(&flag) {
                    flags.push(QualityFlag::new(
                        "catch_line.price",
                        Severity::Warning,
                        format!(
                            "Catch line {line_no} carries source flag {flag} ({}).",
                            source_flag_meaning(flag)
                        ),
                        vec![
                            ("catch_line", line_no.clone()),
                            ("flag_code", flag.to_string()),
                        ],
                    ));
                }
            }
            match line.weight_g.map(Kilograms::from_grams) {
                Some(Ok(kg)) => catch_g += kg.value() * 1000.0,
                Some(Err(_)) => flags.push(QualityFlag::new(
                    "catch_line.weight_invalid",
                    Severity::Error,
                    format!("Catch line {line_no} has a negative or non-finite weight."),
                    vec![
                        ("catch_line", line_no.clone()),
                        ("weight_g", opt(line.weight_g)),
                    ],
                )),
                None => {}
            }
        }
        if landing.site.municipality.is_none() {
            flags.push(QualityFlag::new(
                "municipality.unknown",
                Severity::Error,
                format!(
                    "The municipality of site {} is not known.",
                    landing.site.code
                ),
                vec![("site", landing.site.path.to_string())],
            ));
        }
        coded(landing.gear(), "gear", landing.gear_code, &mut flags);
        let summary_boat_type = match coded(
            landing.boat_type(),
            "boat_type",
            landing.boat_code,
            &mut flags,
        ) {
            Some(BoatType::Shore) | None => None,
            Some(b) => Some(b),
        };
        match landing.date {
            None => flags.push(QualityFlag::new(
                "date.missing",
                Severity::Error,
                "No landing date was reported.",
                vec![],
            )),
            Some(d) if d < self.survey_start => flags.push(QualityFlag::new(
                "date.before_survey_start",
                Severity::Error,
                format!(
                    "The date is before the survey began ({}).",
                    self.survey_start
                ),
                vec![("date", d.to_string())],
            )),
            Some(d) if d > today => flags.push(QualityFlag::new(
                "date.in_future",
                Severity::Error,
                format!("The date is after today ({today})."),
                vec![("date", d.to_string())],
            )),
            Some(_) => {}
        }

        // 4. Catch.
        let catch = Kilograms::new(catch_g / 1000.0).unwrap_or(Kilograms::ZERO);

        // 5. Implausible catch rates.
        if let Some(e) = effort
            && e.value() > 0.0
            && catch.value() / e.value() > self.max_kg_per_fisher_hour
        {
            {
                flags.push(QualityFlag::new(
                    "cpue.implausible",
                    Severity::Error,
                    format!(
                        "Catch per fisher-hour is above {} kg.",
                        self.max_kg_per_fisher_hour
                    ),
                    vec![
                        ("catch_kg", format!("{:.3}", catch.value())),
                        ("fisher_hours", num(e.value())),
                    ],
                ));
            }
        }

        // 6. The value that value totals may use (a warning: the landing still counts).
        let value = match landing.catch_value_usd.map(Usd::new) {
            None => None,
            Some(Err(_)) => {
                flags.push(QualityFlag::new(
                    "catch_value.invalid",
                    Severity::Warning,
                    "The catch value is negative; it is left out of value totals.",
                    vec![("catch_value_usd", opt(landing.catch_value_usd))],
                ));
                None
            }
            Some(Ok(v)) if v.value() > 0.0 && catch.value() == 0.0 => {
                flags.push(QualityFlag::new(
                    "catch_value.without_catch",
                    Severity::Warning,
                    "A value is reported for a landing without catch; it is left out of value totals.",
                    vec![("catch_value_usd", num(v.value()))],
                ));
                None
            }
            Some(Ok(v))
                if catch.value() > 0.0 && v.value() / catch.value() > self.max_usd_per_kg =>
            {
                flags.push(QualityFlag::new(
                    "catch_value.implausible",
                    Severity::Warning,
                    format!(
                        "The catch value is above {} USD per kg; it is left out of value totals.",
                        self.max_usd_per_kg
                    ),
                    vec![
                        ("catch_value_usd", num(v.value())),
                        ("catch_kg", format!("{:.3}", catch.value())),
                    ],
                ));
                None
            }
            Some(Ok(v)) => Some(v),
        };

        Assessment {
            rule_set: self.name.to_string(),
            flags,
            hours_at_sea,
            effort,
            summary_habitat_code,
            catch,
            summary_boat_type,
            value,
        }
    }

    /// Step 1 for one quantity: missing → error, negative → error, 0 → `when_zero`
    /// (warning), above `max` → `max` (warning).
    fn repair(
        &self,
        reported: Option<f64>,
        name: &str,
        when_zero: f64,
        max: f64,
        flags: &mut Vec<QualityFlag>,
    ) -> Option<f64> {
        let label = name.replace('_', " ");
        match reported {
            None => {
                // Missing hours at sea do not exclude a landing; missing fisher-hours do.
                if name == "fisher_hours" {
                    flags.push(QualityFlag::new(
                        "fisher_hours.missing",
                        Severity::Error,
                        "No fisher-hours were reported.",
                        vec![],
                    ));
                }
                None
            }
            Some(v) if !v.is_finite() || v < 0.0 => {
                flags.push(QualityFlag::new(
                    &format!("{name}.negative"),
                    Severity::Error,
                    format!("The {label} reported are negative."),
                    vec![(name, num(v))],
                ));
                None
            }
            Some(v) if v == 0.0 => {
                flags.push(QualityFlag::new(
                    &format!("{name}.zero_replaced"),
                    Severity::Warning,
                    format!("0 {label} were reported; {when_zero} are used."),
                    vec![(name, num(v))],
                ));
                Some(when_zero)
            }
            Some(v) if v > max => {
                flags.push(QualityFlag::new(
                    &format!("{name}.capped"),
                    Severity::Warning,
                    format!("{} {label} were reported; capped at {max}.", num(v)),
                    vec![(name, num(v))],
                ));
                Some(max)
            }
            Some(v) => Some(v),
        }
    }
}

/// A coded field of a landing as a value object: `None` with an error flag when the code is
/// missing (`<field>.missing`) or not in its code list (`<field>.unknown`).
fn coded<T>(
    parsed: Option<Result<T, UnknownCode>>,
    field: &str,
    reported: Option<i16>,
    flags: &mut Vec<QualityFlag>,
) -> Option<T> {
    let label = field.replace('_', " ");
    match parsed {
        None => {
            flags.push(QualityFlag::new(
                &format!("{field}.missing"),
                Severity::Error,
                format!("No {label} was reported."),
                vec![],
            ));
            None
        }
        Some(Err(e)) => {
            let code = format!("{field}_code");
            flags.push(QualityFlag::new(
                &format!("{field}.unknown"),
                Severity::Error,
                e.to_string(),
                vec![(code.as_str(), opt(reported))],
            ));
            None
        }
        Some(Ok(v)) => Some(v),
    }
}

/// The meaning of a PeskAAS catch `flag_code` (data README, "Code lists").
pub fn source_flag_meaning(flag: i16) -> &'static str {
    match flag {
        0 => "none",
        1 => "length below 0.75 × the species' minimum length",
        2 => "length above 1.25 × the species' maximum length",
        3 => "unit weight above 1.5 × the species' maximum weight",
        4 => "price below 0.05 USD/kg",
        5 => "price above 6 USD/kg",
        6 => "meaning not published",
        7 => "count had decimals (repaired)",
        8 => "FAD habitat with beach seine",
        _ => "unknown flag",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default()
    }

    use crate::domain::landings::fixtures::{landing, line};

    fn assess(l: &SurveyedLanding) -> Assessment {
        Peskaas2020::default().assess(l, today())
    }

    #[test]
    fn tasi_2026_counts_a_landing_that_caught_nothing_as_zero_catch() {
        let mut l = landing();
        let mut nothing = line(0.0);
        nothing.species_code = Some(0);
        nothing.length_cm = None;
        nothing.count = None;
        nothing.weight_g = None;
        l.catch_lines = vec![nothing.clone()];
        let old = Peskaas2020::default().assess(&l, today());
        assert!(!old.is_valid(), "peskaas-2020 excludes it");
        assert!(old.flags.iter().any(|f| f.code == "catch_line.incomplete"));
        let new = Peskaas2020::tasi_2026().assess(&l, today());
        assert!(new.is_valid(), "{:?}", new.flags);
        assert_eq!(new.catch.value(), 0.0);
        assert_eq!(new.rule_set, TASI_2026);
        assert_eq!(old.rule_set, PESKAAS_2020);
        // Only when it is the landing's one line: beside a measured line it is incomplete.
        l.catch_lines = vec![nothing, line(500.0)];
        assert!(!Peskaas2020::tasi_2026().assess(&l, today()).is_valid());
    }

    fn codes(a: &Assessment) -> Vec<&str> {
        a.flags.iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn a_clean_landing_raises_no_flag_and_sums_its_catch_in_kilograms() {
        let a = assess(&landing());
        assert!(a.flags.is_empty(), "{:?}", a.flags);
        assert!(a.counts_in_summaries());
        assert!((a.catch.value() - 3.0).abs() < 1e-12);
        assert_eq!(a.effort.map(FisherHours::value), Some(4.0));
        assert_eq!(a.summary_boat_type, Some(BoatType::Canoe));
    }

    #[test]
    fn zero_hours_become_three_and_long_trips_are_capped() {
        let mut l = landing();
        l.hours_at_sea = Some(0.0);
        l.fisher_hours = Some(0.0);
        let a = assess(&l);
        assert_eq!(a.hours_at_sea, Some(3.0));
        assert_eq!(a.effort.map(FisherHours::value), Some(3.0));
        assert_eq!(
            codes(&a),
            ["hours_at_sea.zero_replaced", "fisher_hours.zero_replaced"]
        );
        assert!(a.is_valid());

        l.hours_at_sea = Some(9_423_462.0);
        l.fisher_hours = Some(18_846_924.0);
        let a = assess(&l);
        assert_eq!(a.hours_at_sea, Some(72.0));
        assert_eq!(a.effort.map(FisherHours::value), Some(144.0));
        assert_eq!(codes(&a), ["hours_at_sea.capped", "fisher_hours.capped"]);
        assert!(a.is_valid());
    }

    #[test]
    fn caps_apply_to_fisher_hours_directly_not_to_hours_times_fishers() {
        // PeskAAS app.R: 118 h and 354 fisher-hours give 144 fisher-hours (not 72 × 3).
        let mut l = landing();
        l.hours_at_sea = Some(118.0);
        l.fisher_hours = Some(354.0);
        let a = assess(&l);
        assert_eq!(a.effort.map(FisherHours::value), Some(144.0));
        // 130 h at sea with 0 fisher-hours: fisher-hours become 3.
        l.hours_at_sea = Some(130.0);
        l.fisher_hours = Some(0.0);
        assert_eq!(assess(&l).effort.map(FisherHours::value), Some(3.0));
    }

    #[test]
    fn negative_or_missing_fisher_hours_exclude_the_landing() {
        let mut l = landing();
        l.hours_at_sea = Some(-3.0);
        l.fisher_hours = Some(-6.0);
        let a = assess(&l);
        assert_eq!(
            codes(&a),
            ["hours_at_sea.negative", "fisher_hours.negative"]
        );
        assert!(!a.is_valid());
        assert_eq!(a.effort, None);

        l.hours_at_sea = None;
        l.fisher_hours = None;
        let a = assess(&l);
        assert_eq!(codes(&a), ["fisher_hours.missing"]);
        assert!(!a.is_valid());
    }

    #[test]
    fn habitats_are_lumped_and_missing_or_unknown_ones_exclude() {
        let mut l = landing();
        l.habitat_code = Some(5);
        let a = assess(&l);
        assert_eq!(a.summary_habitat_code, Some(2));
        assert_eq!(codes(&a), ["habitat.traditional_fad_as_fad"]);
        assert!(a.is_valid());
        l.habitat_code = Some(7);
        assert_eq!(assess(&l).summary_habitat_code, Some(6));
        l.habitat_code = None;
        assert_eq!(codes(&assess(&l)), ["habitat.missing"]);
        l.habitat_code = Some(9);
        let a = assess(&l);
        assert_eq!(codes(&a), ["habitat.unknown"]);
        assert!(!a.is_valid());
    }

    #[test]
    fn an_incomplete_catch_line_excludes_the_landing() {
        for field in 0..5 {
            let mut l = landing();
            let c = &mut l.catch_lines[1];
            match field {
                0 => c.species_code = None,
                1 => c.length_cm = None,
                2 => c.count = None,
                3 => c.weight_g = None,
                _ => c.source_flag = None,
            }
            let a = assess(&l);
            assert_eq!(codes(&a), ["catch_line.incomplete"], "field {field}");
            assert!(a.flags[0].reason.starts_with("Catch line 2 has no"));
            assert!(!a.is_valid());
        }
    }

    #[test]
    fn source_flags_other_than_0_4_5_exclude_and_4_5_warn() {
        for flag in [1, 2, 3, 6, 7, 8] {
            let mut l = landing();
            l.catch_lines[0].source_flag = Some(flag);
            let a = assess(&l);
            assert_eq!(codes(&a), ["catch_line.source_flag"], "flag {flag}");
            assert!(!a.is_valid());
        }
        for flag in [4, 5] {
            let mut l = landing();
            l.catch_lines[0].source_flag = Some(flag);
            let a = assess(&l);
            assert_eq!(codes(&a), ["catch_line.price"], "flag {flag}");
            assert!(a.is_valid());
        }
    }

    #[test]
    fn an_unknown_municipality_excludes() {
        let mut l = landing();
        l.site.municipality = None;
        let a = assess(&l);
        assert_eq!(codes(&a), ["municipality.unknown"]);
        assert!(!a.is_valid());
    }

    #[test]
    fn missing_or_unknown_gear_excludes() {
        let mut l = landing();
        l.gear_code = None;
        assert_eq!(codes(&assess(&l)), ["gear.missing"]);
        l.gear_code = Some(12);
        assert_eq!(codes(&assess(&l)), ["gear.unknown"]);
        assert!(!assess(&l).is_valid());
    }

    #[test]
    fn dates_before_the_survey_missing_or_in_the_future_exclude() {
        let mut l = landing();
        l.date = NaiveDate::from_ymd_opt(1922, 11, 4);
        assert_eq!(codes(&assess(&l)), ["date.before_survey_start"]);
        l.date = NaiveDate::from_ymd_opt(2016, 8, 31);
        assert_eq!(codes(&assess(&l)), ["date.before_survey_start"]);
        l.date = NaiveDate::from_ymd_opt(2016, 9, 1);
        assert!(assess(&l).flags.is_empty());
        l.date = NaiveDate::from_ymd_opt(2026, 11, 22);
        assert_eq!(codes(&assess(&l)), ["date.in_future"]);
        l.date = Some(today());
        assert!(assess(&l).flags.is_empty());
        l.date = None;
        assert_eq!(codes(&assess(&l)), ["date.missing"]);
    }

    #[test]
    fn a_landing_without_catch_lines_has_zero_catch_and_counts() {
        let mut l = landing();
        l.catch_lines.clear();
        let a = assess(&l);
        assert_eq!(a.catch, Kilograms::ZERO);
        assert!(a.counts_in_summaries());
    }

    #[test]
    fn more_than_100_kg_per_fisher_hour_excludes() {
        let mut l = landing();
        l.catch_lines = vec![line(400_000.0)]; // 400 kg in 4 fisher-hours = 100 kg/fh
        assert!(assess(&l).is_valid());
        l.catch_lines = vec![line(400_001.0)];
        let a = assess(&l);
        assert_eq!(codes(&a), ["cpue.implausible"]);
        assert!(!a.is_valid());
        // Capped effort is what counts: 20,000 kg over 144 fisher-hours is implausible.
        l.fisher_hours = Some(1_000_000.0);
        l.catch_lines = vec![line(20_000_000.0)];
        assert_eq!(
            codes(&assess(&l)),
            ["fisher_hours.capped", "cpue.implausible"]
        );
    }

    #[test]
    fn negative_weights_exclude() {
        let mut l = landing();
        l.catch_lines[0].weight_g = Some(-5.0);
        let a = assess(&l);
        assert_eq!(codes(&a), ["catch_line.weight_invalid"]);
        assert!((a.catch.value() - 2.0).abs() < 1e-12);
    }

    #[test]
    fn implausible_values_are_set_aside_from_value_totals_with_a_warning() {
        let mut l = landing(); // 3 kg
        l.catch_value_usd = Some(300.0); // 100 USD/kg: plausible at the limit
        let a = assess(&l);
        assert_eq!(a.value.map(Usd::value), Some(300.0));
        assert!(a.flags.is_empty());
        l.catch_value_usd = Some(9_401_328.0);
        let a = assess(&l);
        assert_eq!(codes(&a), ["catch_value.implausible"]);
        assert_eq!(a.value, None);
        assert!(a.counts_in_summaries(), "the catch still counts");
        l.catch_lines.clear();
        l.catch_value_usd = Some(20.0);
        assert_eq!(codes(&assess(&l)), ["catch_value.without_catch"]);
        l.catch_value_usd = Some(-1.0);
        assert_eq!(codes(&assess(&l)), ["catch_value.invalid"]);
        l.catch_value_usd = None;
        assert_eq!(assess(&l).value, None);
        assert!(assess(&l).flags.is_empty());
    }

    #[test]
    fn shore_landings_are_valid_but_not_summarised_and_missing_boat_types_exclude() {
        let mut l = landing();
        l.boat_code = Some(3);
        let a = assess(&l);
        assert!(a.is_valid());
        assert!(!a.counts_in_summaries());
        l.boat_code = Some(2);
        assert_eq!(assess(&l).summary_boat_type, Some(BoatType::Motor));
        l.boat_code = None;
        assert_eq!(codes(&assess(&l)), ["boat_type.missing"]);
        l.boat_code = Some(4);
        assert_eq!(codes(&assess(&l)), ["boat_type.unknown"]);
    }
}
