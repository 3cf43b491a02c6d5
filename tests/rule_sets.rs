//! The two rule sets on the real PeskAAS data: `tasi-2026` differs from `peskaas-2020`
//! only in counting the landings that caught nothing (DOMAIN.md: 845 of them; 15 of those
//! stay out under both for an unknown municipality).

mod common;

use tasi::adapters::importers::landings::peskaas::{SOURCE, read_dir};
use tasi::domain::landings::Peskaas2020;

#[test]
fn tasi_2026_counts_the_zero_catch_landings_that_peskaas_2020_excludes() {
    let dir = read_dir(&common::peskaas_dir(), SOURCE).unwrap_or_else(|e| panic!("{e}"));
    let today = chrono::Utc::now().date_naive();
    let (old_rules, new_rules) = (Peskaas2020::default(), Peskaas2020::tasi_2026());
    let (mut gained, mut lost, mut changed) = (0, 0, 0);
    // Landings whose only catch line is "no catch" with no length, and why tasi-2026 still
    // leaves some of them out (their other errors).
    let mut zero_catch = 0;
    let mut still_out: std::collections::BTreeMap<String, usize> = Default::default();
    for s in &dir.landings.landings {
        let old = old_rules.assess(&s.landing, today);
        let new = new_rules.assess(&s.landing, today);
        let lines = &s.landing.catch_lines;
        if lines.len() == 1 && lines[0].species_code == Some(0) && lines[0].length_cm.is_none() {
            zero_catch += 1;
            if !new.is_valid() {
                for f in new.flags.iter().filter(|f| f.severity.key() == "error") {
                    *still_out.entry(f.code.clone()).or_default() += 1;
                }
            }
        }
        match (old.is_valid(), new.is_valid()) {
            (false, true) => {
                gained += 1;
                assert_eq!(new.catch.value(), 0.0, "a zero-catch landing catches 0 kg");
                assert!(
                    s.landing.catch_lines.len() == 1
                        && s.landing.catch_lines[0].species_code == Some(0),
                    "only landings that caught nothing change"
                );
            }
            (true, false) => lost += 1,
            (true, true) if old.catch != new.catch || old.effort != new.effort => changed += 1,
            _ => {}
        }
    }
    assert_eq!(
        zero_catch, 845,
        "landings that caught nothing, with no length"
    );
    // 830 of them count under tasi-2026; 15 stay out for a reason of their own: their
    // landing site's municipality is unknown (stations 3, 8, 9 and 18).
    assert_eq!(gained, 830);
    assert_eq!(
        still_out.into_iter().collect::<Vec<_>>(),
        vec![("municipality.unknown".to_string(), 15)]
    );
    assert_eq!((lost, changed), (0, 0));
}
