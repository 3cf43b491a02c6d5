//! Properties of the estimation methods that hold for any inputs (the worked examples of
//! FTP425 are the domain modules' unit tests).

use proptest::prelude::*;
use tasi::domain::estimation::artfish::{
    ActivitySample, ArtfishInputs, BAC_SIGMA, LandingSample, accuracy, cpue_sigma, estimate,
};

fn activity() -> impl Strategy<Value = ActivitySample> {
    (1u32..40).prop_flat_map(|examined| {
        (0..=examined).prop_map(move |active| ActivitySample {
            boats_active: active,
            boats_examined: examined,
        })
    })
}

fn landing() -> impl Strategy<Value = LandingSample> {
    (0.0f64..500.0, 0.5f64..5.0).prop_map(|(kg, days)| LandingSample {
        catch_kg: kg,
        boat_days: days,
        lines: Vec::new(),
    })
}

fn inputs() -> impl Strategy<Value = ArtfishInputs> {
    (
        1u32..2_000,
        1u32..31,
        prop::collection::vec(activity(), 2..30),
        prop::collection::vec(landing(), 2..60),
    )
        .prop_map(
            |(frame_boats, active_days, activity, landings)| ArtfishInputs {
                frame_boats,
                active_days,
                activity,
                landings,
            },
        )
}

proptest! {
    #[test]
    fn effort_and_catch_scale_with_the_frame_survey(i in inputs(), k in 2u32..10) {
        let one = estimate(&i);
        let scaled = estimate(&ArtfishInputs { frame_boats: i.frame_boats * k, ..i.clone() });
        let (Some(e1), Some(ek)) = (one.effort_boat_days, scaled.effort_boat_days) else {
            return Err(TestCaseError::fail("effort is defined: boats were examined"));
        };
        prop_assert!((ek - e1 * f64::from(k)).abs() <= 1e-6 * ek.max(1.0));
        if let (Some(c1), Some(ck)) = (one.catch_kg, scaled.catch_kg) {
            prop_assert!((ck - c1 * f64::from(k)).abs() <= 1e-6 * ck.max(1.0));
        }
    }

    #[test]
    fn the_limits_contain_the_estimate(i in inputs()) {
        let e = estimate(&i);
        if let (Some(c), Some((low, high))) = (e.catch_kg, e.catch_limits) {
            prop_assert!(low <= c && c <= high, "{low} {c} {high}");
            prop_assert!(low >= 0.0);
        }
        if let (Some(x), Some((low, high))) = (e.effort_boat_days, e.effort_limits) {
            prop_assert!(low <= x && x <= high);
        }
    }

    #[test]
    fn more_samples_never_lower_accuracy(n in 1u32..5_000, more in 1u32..500, big in 5_000.0f64..1e6) {
        for sigma in [BAC_SIGMA, cpue_sigma(big)] {
            let a = accuracy(sigma, f64::from(n), big).unwrap_or_default();
            let b = accuracy(sigma, f64::from(n + more), big).unwrap_or_default();
            prop_assert!(b >= a, "{n}: {a}, {}: {b}", n + more);
            prop_assert!((0.0..=1.0).contains(&b));
        }
    }
}
