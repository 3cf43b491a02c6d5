//! A calendar month, the period of every monthly figure.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// One calendar month (`YYYY-MM`), the unit of every summary and estimate.
///
/// Ordered chronologically. Built from a date ([`Period::of`]) or parsed from `YYYY-MM`
/// ([`Period::parse`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Period {
    year: i32,
    month: u32,
}

/// Why a text is not a period.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a month written as YYYY-MM")]
pub struct PeriodError(pub String);

impl Period {
    /// The month that contains `date`.
    pub fn of(date: NaiveDate) -> Self {
        Period {
            year: date.year(),
            month: date.month(),
        }
    }

    /// Parses `YYYY-MM` (e.g. `2019-03`).
    ///
    /// ```
    /// use tasi::domain::shared::Period;
    /// let p = Period::parse("2019-12").unwrap_or_else(|e| panic!("{e}"));
    /// assert_eq!(p.next().to_string(), "2020-01");
    /// assert!(Period::parse("2019-13").is_err());
    /// ```
    ///
    /// # Errors
    /// [`PeriodError`] when the text is not a year and a month 01–12 joined by `-`.
    pub fn parse(text: &str) -> Result<Self, PeriodError> {
        let err = || PeriodError(text.to_string());
        let (y, m) = text.trim().split_once('-').ok_or_else(err)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(err());
        }
        let year: i32 = y.parse().map_err(|_| err())?;
        let month: u32 = m.parse().map_err(|_| err())?;
        NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(err)?;
        Ok(Period { year, month })
    }

    /// The calendar year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month of the year, 1–12.
    pub fn month(self) -> u32 {
        self.month
    }

    /// The first day of the month.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The month `n` months before this one (`n` = 0 is this month).
    pub fn minus_months(self, n: u32) -> Self {
        Period::of(
            self.first_day()
                .checked_sub_months(Months::new(n))
                .unwrap_or(NaiveDate::MIN),
        )
    }

    /// The next month.
    pub fn next(self) -> Self {
        Period::of(
            self.first_day()
                .checked_add_months(Months::new(1))
                .unwrap_or(NaiveDate::MAX),
        )
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_is_the_month_of_a_date_and_prints_as_year_month() {
        let date = NaiveDate::from_ymd_opt(2019, 3, 17).unwrap_or_default();
        assert_eq!(Period::of(date).to_string(), "2019-03");
    }

    #[test]
    fn parsing_accepts_year_month_and_refuses_anything_else() {
        assert_eq!(
            Period::parse("2018-11").map(|p| (p.year(), p.month())),
            Ok((2018, 11))
        );
        for bad in [
            "2018-13", "2018-1", "18-01", "2018/01", "", "2018-00", "abcd-ef",
        ] {
            assert_eq!(
                Period::parse(bad),
                Err(PeriodError(bad.to_string())),
                "{bad}"
            );
        }
    }

    #[test]
    fn months_step_across_years() {
        let jan = Period::parse("2020-01").unwrap_or(Period { year: 0, month: 1 });
        assert_eq!(jan.minus_months(1).to_string(), "2019-12");
        assert_eq!(jan.minus_months(11).to_string(), "2019-02");
        assert_eq!(jan.minus_months(12).next().to_string(), "2019-02");
        assert!(jan.minus_months(1) < jan);
    }
}
