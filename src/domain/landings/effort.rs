//! Effort and catch rates: fisher-hours and CPUE.

use std::fmt;
use std::ops::Add;

use serde::{Deserialize, Serialize};

use crate::domain::shared::{Kilograms, QuantityError};

/// Effort in fisher-hours: fishers × hours at sea, the survey's unit of effort (DOMAIN.md).
/// Finite and not negative.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
pub struct FisherHours(f64);

impl FisherHours {
    /// No effort.
    pub const ZERO: FisherHours = FisherHours(0.0);

    /// An effort of `hours` fisher-hours.
    ///
    /// # Errors
    /// [`QuantityError`] when `hours` is negative, NaN or infinite.
    pub fn new(hours: f64) -> Result<Self, QuantityError> {
        if !hours.is_finite() {
            Err(QuantityError::NotFinite {
                unit: "fisher-hours",
                value: hours,
            })
        } else if hours < 0.0 {
            Err(QuantityError::Negative {
                unit: "fisher-hours",
                value: hours,
            })
        } else {
            Ok(FisherHours(hours))
        }
    }

    /// The effort in fisher-hours.
    pub fn value(self) -> f64 {
        self.0
    }
}

impl Add for FisherHours {
    type Output = FisherHours;
    fn add(self, rhs: FisherHours) -> FisherHours {
        FisherHours(self.0 + rhs.0)
    }
}

impl std::iter::Sum for FisherHours {
    fn sum<I: Iterator<Item = FisherHours>>(iter: I) -> FisherHours {
        iter.fold(FisherHours::ZERO, Add::add)
    }
}

impl fmt::Display for FisherHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1} fisher-hours", self.0)
    }
}

/// Catch per unit of effort in kilograms per fisher-hour.
///
/// Always a ratio of totals, Σ catch ÷ Σ effort over a set of landings, never a mean of
/// per-landing ratios; zero-catch landings count (DOMAIN.md; FAO FTP 425 §10.3.7).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
pub struct Cpue(f64);

impl Cpue {
    /// CPUE of totals: `catch ÷ effort`, and 0 when `effort` is 0 (rule set `peskaas-2020`,
    /// step 6).
    ///
    /// ```
    /// use tasi::domain::landings::{Cpue, FisherHours};
    /// use tasi::domain::shared::Kilograms;
    /// // FAO FTP 425 §10.3.7: 70 kg over 10 units of effort → 7 per unit.
    /// let catch = Kilograms::new(70.0).unwrap_or_default();
    /// let effort = FisherHours::new(10.0).unwrap_or_default();
    /// assert_eq!(Cpue::of_totals(catch, effort).value(), 7.0);
    /// assert_eq!(Cpue::of_totals(catch, FisherHours::ZERO).value(), 0.0);
    /// ```
    pub fn of_totals(catch: Kilograms, effort: FisherHours) -> Self {
        if effort.value() > 0.0 {
            Cpue(catch.value() / effort.value())
        } else {
            Cpue(0.0)
        }
    }

    /// The rate in kg per fisher-hour.
    pub fn value(self) -> f64 {
        self.0
    }
}

impl fmt::Display for Cpue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3} kg/fisher-hour", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kg(v: f64) -> Kilograms {
        Kilograms::new(v).unwrap_or_default()
    }

    fn fh(v: f64) -> FisherHours {
        FisherHours::new(v).unwrap_or_default()
    }

    #[test]
    fn fisher_hours_refuse_negative_and_non_finite() {
        assert_eq!(FisherHours::new(4.0).map(FisherHours::value), Ok(4.0));
        assert!(FisherHours::new(-6.0).is_err());
        assert!(FisherHours::new(f64::NAN).is_err());
        let total: FisherHours = [fh(4.0), fh(10.0)].into_iter().sum();
        assert_eq!(total.value(), 14.0);
    }

    #[test]
    fn cpue_is_a_ratio_of_totals_with_zero_catch_landings_in() {
        // FTP 425: trips (165 kg, 2 days), (0 kg, 1 day), (90 kg, 1 day) → 63.75, not 85.
        let catch = kg(165.0) + kg(0.0) + kg(90.0);
        let effort = fh(2.0) + fh(1.0) + fh(1.0);
        assert_eq!(Cpue::of_totals(catch, effort).value(), 63.75);
    }

    #[test]
    fn cpue_of_no_effort_is_zero() {
        assert_eq!(Cpue::of_totals(kg(12.0), FisherHours::ZERO).value(), 0.0);
    }
}
