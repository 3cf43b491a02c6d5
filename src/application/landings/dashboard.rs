//! Query: the dashboard of a scope (national or one municipality) over the 12 months up to
//! the latest data.

use chrono::NaiveDate;

use super::ports::{LandingQueries, MonthFigures, SpeciesCatch};
use crate::application::geography::ports::{GeographyQueries, MunicipalityShape};
use crate::application::shared::StoreError;
use crate::domain::landings::{Cpue, FisherHours};
use crate::domain::shared::{AccessScope, Kilograms, Period};

/// How many species the composition names before lumping the rest into "Others".
pub const TOP_SPECIES: usize = 10;
/// Length of the dashboard's window in months.
pub const WINDOW_MONTHS: u32 = 12;

/// Totals over the dashboard's window.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Totals {
    /// Landings surveyed (summarised ones).
    pub landings: i64,
    /// Catch in kg.
    pub catch_kg: f64,
    /// Value in USD (as reported).
    pub value_usd: f64,
    /// Effort, fisher-hours.
    pub effort: f64,
    /// CPUE of totals, kg per fisher-hour.
    pub cpue: f64,
}

impl Totals {
    fn of<'a>(months: impl Iterator<Item = &'a MonthFigures>) -> Self {
        let mut t = Totals::default();
        for m in months {
            t.landings += m.landings;
            t.catch_kg += m.catch_kg;
            t.value_usd += m.value_usd;
            t.effort += m.effort;
        }
        t.cpue = cpue(t.catch_kg, t.effort);
        t
    }
}

fn cpue(catch_kg: f64, effort: f64) -> f64 {
    match (Kilograms::new(catch_kg), FisherHours::new(effort)) {
        (Ok(c), Ok(e)) => Cpue::of_totals(c, e).value(),
        _ => 0.0,
    }
}

/// One municipality's line in the dashboard table.
#[derive(Debug, Clone, PartialEq)]
pub struct MunicipalityLine {
    /// Municipality name.
    pub name: String,
    /// Its totals over the window.
    pub totals: Totals,
}

/// Everything the dashboard shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    /// The chosen municipality, `None` for national.
    pub municipality: Option<String>,
    /// First and last month of the window; `None` when there is no data.
    pub window: Option<(Period, Period)>,
    /// Totals over the window.
    pub totals: Totals,
    /// Each month of the window, oldest first (months without data are zero).
    pub months: Vec<(Period, MonthFigures)>,
    /// Top species by weight, then "Others" (code −1) when more species were caught.
    pub species: Vec<SpeciesCatch>,
    /// One line per visible municipality.
    pub municipalities: Vec<MunicipalityLine>,
    /// Municipality boundaries for the map.
    pub shapes: Vec<MunicipalityShape>,
}

/// Builds the dashboard of `municipality` (national when `None`) for `scope`: the landings'
/// read models, and the municipalities' boundaries from geography.
///
/// # Errors
/// [`StoreError`] when the database fails.
pub fn dashboard(
    queries: &dyn LandingQueries,
    geography: &dyn GeographyQueries,
    scope: &AccessScope,
    municipality: Option<&str>,
) -> Result<Dashboard, StoreError> {
    let series = queries.month_figures(scope, municipality)?;
    let shapes = geography.municipalities(scope)?;
    let Some(last) = series.iter().map(|m| m.month).max() else {
        return Ok(Dashboard {
            municipality: municipality.map(str::to_string),
            window: None,
            totals: Totals::default(),
            months: Vec::new(),
            species: Vec::new(),
            municipalities: Vec::new(),
            shapes,
        });
    };
    let last = Period::of(last);
    let first = last.minus_months(WINDOW_MONTHS - 1);
    let mut months = Vec::new();
    let mut p = first;
    while p <= last {
        let figures = series
            .iter()
            .find(|m| Period::of(m.month) == p)
            .cloned()
            .unwrap_or(MonthFigures {
                month: p.first_day(),
                landings: 0,
                fishing_days: 0,
                effort: 0.0,
                catch_kg: 0.0,
                value_usd: 0.0,
            });
        months.push((p, figures));
        p = p.next();
    }
    let totals = Totals::of(months.iter().map(|(_, m)| m));
    let to = last_day(last);
    let species = top_species(
        queries.species_catch(scope, municipality, first.first_day(), to)?,
        TOP_SPECIES,
    );
    let mut municipalities: Vec<MunicipalityLine> = queries
        .municipality_figures(scope, first.first_day(), to)?
        .into_iter()
        .map(|(name, f)| MunicipalityLine {
            name,
            totals: Totals::of(std::iter::once(&f)),
        })
        .collect();
    municipalities.sort_by(|a, b| b.totals.catch_kg.total_cmp(&a.totals.catch_kg));
    Ok(Dashboard {
        municipality: municipality.map(str::to_string),
        window: Some((first, last)),
        totals,
        months,
        species,
        municipalities,
        shapes,
    })
}

fn last_day(p: Period) -> NaiveDate {
    p.next().first_day().pred_opt().unwrap_or(p.first_day())
}

/// The `n` largest catches by weight, then one line "Others" (code −1) with the rest.
pub fn top_species(mut all: Vec<SpeciesCatch>, n: usize) -> Vec<SpeciesCatch> {
    all.sort_by(|a, b| b.catch_kg.total_cmp(&a.catch_kg));
    if all.len() <= n {
        return all;
    }
    let rest: f64 = all[n..].iter().map(|s| s.catch_kg).sum();
    all.truncate(n);
    all.push(SpeciesCatch {
        code: -1,
        name: "Others".into(),
        catch_kg: rest,
    });
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(code: i32, kg: f64) -> SpeciesCatch {
        SpeciesCatch {
            code,
            name: format!("s{code}"),
            catch_kg: kg,
        }
    }

    #[test]
    fn the_composition_names_the_top_species_and_lumps_the_rest() {
        let all: Vec<_> = (1..=12).map(|i| s(i, i as f64)).collect();
        let top = top_species(all, 10);
        assert_eq!(top.len(), 11);
        assert_eq!(top[0].code, 12);
        assert_eq!(top[10].name, "Others");
        assert_eq!(top[10].catch_kg, 3.0); // species 1 and 2
        assert_eq!(top_species(vec![s(1, 1.0)], 10).len(), 1);
    }
}
