//! The fishing effort grid: tracked trips and the catch of their matched landings per 0.1°
//! cell, month, gear and boat type. The cells are the shared kernel's [`GridCell`]: a
//! position on a grid line belongs to the cell north or east of it.
//!
//! Attribution rules (tasi's; PeskAAS and Peskas map tracks, not catch per cell):
//! - A trip counts once in every cell its positions fall in (so the trips of the cells of a
//!   month add up to more than the month's trips: a cell's count answers "how many trips
//!   visited this cell").
//! - The catch and effort of a matched trip's landing are shared among the cells in
//!   proportion to the trip's positions in each: each of n positions carries 1/n. Positions
//!   are sampled evenly along the track (PeskAAS: 10, evenly spaced over the tracker's
//!   points, which the tracker records at a steady rate), so a cell's share of positions
//!   estimates its share of the time at sea, the best available proxy for where the fish were
//!   caught. Unlike giving everything to the modal cell, it keeps the totals exact and does
//!   not move the catch of a trip spread over several cells into one of them.
//! - CPUE of a cell is Σ catch ÷ Σ effort over the shares of matched landings that report
//!   both (a ratio of totals, DOMAIN.md), never a mean of per-trip ratios.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::imputation::Imputation;
use super::matching::{LandingForMatch, MatchReport, TripForMatch};
use crate::domain::shared::{GridCell, Kilograms, LatLon, Period};

/// The catch and effort of the landing a trip matched.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LandedCatch {
    /// Catch, `None` when unknown or excluded.
    pub catch: Option<Kilograms>,
    /// Effort in fisher-hours, `None` when unknown or excluded.
    pub effort_fisher_hours: Option<f64>,
}

/// One tracked trip as the grid sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct GridTrip<'a> {
    /// The trip.
    pub trip_id: Uuid,
    /// The month of the trip's date.
    pub month: Period,
    /// Gear code: its landing's, or imputed from a donor, or `None`.
    pub gear_code: Option<i16>,
    /// True when `gear_code` was imputed from a donor.
    pub gear_imputed: bool,
    /// Boat code of the tracked boat.
    pub boat_code: Option<i16>,
    /// The trip's positions.
    pub positions: &'a [LatLon],
    /// The catch and effort of its matched landing; `None` for an unmatched trip.
    pub landing: Option<LandedCatch>,
}

/// One cell × month × gear × boat type of the effort grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EffortCell {
    /// The cell.
    pub cell: GridCell,
    /// The month.
    pub month: Period,
    /// Gear code (`None`: unknown).
    pub gear_code: Option<i16>,
    /// Boat code (`None`: unknown).
    pub boat_code: Option<i16>,
    /// Trips with a position in the cell (each trip counts once per cell it visits).
    pub trips: u32,
    /// Of those, trips matched to a landing.
    pub matched_trips: u32,
    /// Of those, trips whose gear was imputed from a donor.
    pub imputed_gear_trips: u32,
    /// Σ of the cell's shares of the catch of matched landings, kg.
    pub catch_kg: f64,
    /// Σ of the cell's shares of the effort of matched landings, fisher-hours.
    pub effort_fisher_hours: f64,
    /// Σ catch ÷ Σ effort over the shares of matched landings that report both, kg per
    /// fisher-hour; `None` when their effort is 0.
    pub cpue: Option<f64>,
}

/// The effort grid.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EffortGrid {
    /// Cells ordered by month, cell, gear and boat code.
    pub cells: Vec<EffortCell>,
    /// Trips left out because they have no position.
    pub trips_without_positions: u32,
}

#[derive(Default)]
struct Acc {
    trips: u32,
    matched: u32,
    imputed: u32,
    catch: f64,
    effort: f64,
    cpue_catch: f64,
    cpue_effort: f64,
}

fn usable_effort(hours: Option<f64>) -> Option<f64> {
    hours.filter(|h| h.is_finite() && *h >= 0.0)
}

/// Builds the effort grid of `trips` (see the module documentation for the rules).
pub fn effort_grid(trips: &[GridTrip<'_>]) -> EffortGrid {
    let mut acc: BTreeMap<(Period, GridCell, Option<i16>, Option<i16>), Acc> = BTreeMap::new();
    let mut visited: Vec<(GridCell, u32)> = Vec::new();
    let mut without_positions = 0;
    for t in trips {
        visited.clear();
        for cell in t.positions.iter().map(|p| GridCell::of(*p)) {
            match visited.iter_mut().find(|(c, _)| *c == cell) {
                Some((_, k)) => *k += 1,
                None => visited.push((cell, 1)),
            }
        }
        let n: u32 = visited.iter().map(|(_, k)| k).sum();
        if n == 0 {
            without_positions += 1;
            continue;
        }
        let catch = t.landing.and_then(|l| l.catch).map(Kilograms::value);
        let effort = usable_effort(t.landing.and_then(|l| l.effort_fisher_hours));
        for &(cell, k) in &visited {
            let share = f64::from(k) / f64::from(n);
            let a = acc
                .entry((t.month, cell, t.gear_code, t.boat_code))
                .or_default();
            a.trips += 1;
            a.matched += u32::from(t.landing.is_some());
            a.imputed += u32::from(t.gear_imputed);
            if let Some(c) = catch {
                a.catch += c * share;
            }
            if let Some(e) = effort {
                a.effort += e * share;
            }
            if let (Some(c), Some(e)) = (catch, effort) {
                a.cpue_catch += c * share;
                a.cpue_effort += e * share;
            }
        }
    }
    EffortGrid {
        cells: acc
            .into_iter()
            .map(|((month, cell, gear_code, boat_code), a)| EffortCell {
                cell,
                month,
                gear_code,
                boat_code,
                trips: a.trips,
                matched_trips: a.matched,
                imputed_gear_trips: a.imputed,
                catch_kg: a.catch,
                effort_fisher_hours: a.effort,
                cpue: (a.cpue_effort > 0.0).then(|| a.cpue_catch / a.cpue_effort),
            })
            .collect(),
        trips_without_positions: without_positions,
    }
}

/// The grid's view of `trips`, given the match `report` made from `landings` and `trips`
/// and the `imputations` of unmatched trips: a matched trip takes its landing's gear, catch
/// and effort; an unmatched one the gear of its donor unless the donor is too far
/// ([`Imputation::too_far`], PeskAAS's 0.2), else no gear.
pub fn grid_trips<'a>(
    trips: &'a [TripForMatch],
    landings: &[LandingForMatch],
    report: &MatchReport,
    imputations: &[Imputation],
) -> Vec<GridTrip<'a>> {
    let landing_by_id: HashMap<Uuid, &LandingForMatch> =
        landings.iter().map(|l| (l.landing_id, l)).collect();
    let landing_of_trip: HashMap<Uuid, &LandingForMatch> = report
        .matches
        .iter()
        .filter_map(|m| Some((m.trip_id, *landing_by_id.get(&m.landing_id)?)))
        .collect();
    let imputation_of_trip: HashMap<Uuid, &Imputation> =
        imputations.iter().map(|i| (i.trip_id, i)).collect();
    trips
        .iter()
        .map(|t| {
            let landing = landing_of_trip.get(&t.trip_id);
            let imputed = imputation_of_trip
                .get(&t.trip_id)
                .filter(|i| landing.is_none() && !i.too_far);
            GridTrip {
                trip_id: t.trip_id,
                month: Period::of(t.date),
                gear_code: match (landing, imputed) {
                    (Some(l), _) => l.gear_code,
                    (None, Some(i)) => i.gear_code,
                    (None, None) => None,
                },
                gear_imputed: imputed.is_some(),
                boat_code: t.boat_code,
                positions: &t.positions,
                landing: landing.map(|l| LandedCatch {
                    catch: l.catch,
                    effort_fisher_hours: l.effort_fisher_hours,
                }),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::imputation::{donors, impute_donors, unmatched_tracks};
    use super::super::matching::match_landings;
    use super::super::matching::tests::{day, landing, ll, trip};
    use super::*;

    fn cell(lat: f64, lon: f64) -> (i32, i32) {
        let c = GridCell::of(ll(lat, lon));
        (c.row(), c.col())
    }

    #[test]
    fn cells_floor_towards_south_and_west_also_below_zero() {
        assert_eq!(cell(-8.25, 125.57), (-83, 1255));
        assert_eq!(cell(-8.35, -0.05), (-84, -1));
        assert_eq!(cell(0.05, 0.0), (0, 0));
        assert_eq!(cell(-0.0001, -179.99), (-1, -1800));
        // on a grid line, to within float error: the cell north / east of it
        assert_eq!(cell(-8.3, 125.7), (-83, 1257));
        assert_eq!(cell(0.3, -0.7), (3, -7));
        assert_eq!(cell(-8.2999999, 0.0), (-83, 0));
        let c = GridCell::of(ll(-8.25, 125.57));
        assert_eq!(c.south(), -8.3);
        assert_eq!(c.centre().lat(), -8.25);
    }

    fn month() -> Period {
        Period::of(day(2))
    }

    fn landed(kg: f64, hours: Option<f64>) -> Option<LandedCatch> {
        Some(LandedCatch {
            catch: Kilograms::new(kg).ok(),
            effort_fisher_hours: hours,
        })
    }

    fn grid_trip(positions: &[LatLon], landing: Option<LandedCatch>) -> GridTrip<'_> {
        GridTrip {
            trip_id: Uuid::now_v7(),
            month: month(),
            gear_code: Some(2),
            gear_imputed: false,
            boat_code: Some(1),
            positions,
            landing,
        }
    }

    #[test]
    fn a_trip_counts_once_per_cell_and_shares_its_catch_by_positions() {
        let a = ll(-8.25, 125.55);
        let b = ll(-8.15, 125.55);
        let positions = [a, a, a, b];
        let grid = effort_grid(&[grid_trip(&positions, landed(40.0, Some(8.0)))]);
        assert_eq!(grid.cells.len(), 2);
        let south = &grid.cells[0];
        assert_eq!(south.cell.row(), -83);
        assert_eq!((south.trips, south.matched_trips), (1, 1));
        assert_eq!((south.catch_kg, south.effort_fisher_hours), (30.0, 6.0));
        let north = &grid.cells[1];
        assert_eq!(
            (north.trips, north.catch_kg, north.effort_fisher_hours),
            (1, 10.0, 2.0)
        );
        assert_eq!(north.cell.row(), -82);
        assert_eq!(north.cpue, Some(5.0));
    }

    #[test]
    fn cpue_is_a_ratio_of_totals_over_landings_with_catch_and_effort() {
        let here = [ll(-8.25, 125.55)];
        let grid = effort_grid(&[
            // FTP 425: (165 kg, 2), (0 kg, 1), (90 kg, 1) → 63.75, not the mean of ratios
            grid_trip(&here, landed(165.0, Some(2.0))),
            grid_trip(&here, landed(0.0, Some(1.0))),
            grid_trip(&here, landed(90.0, Some(1.0))),
            // catch without effort: in the catch, not in the CPUE
            grid_trip(&here, landed(50.0, None)),
            // unmatched: a trip, no catch
            grid_trip(&here, None),
            // no position: left out
            grid_trip(&[], landed(10.0, Some(1.0))),
        ]);
        assert_eq!(grid.cells.len(), 1);
        let c = &grid.cells[0];
        assert_eq!((c.trips, c.matched_trips), (5, 4));
        assert_eq!((c.catch_kg, c.effort_fisher_hours), (305.0, 4.0));
        assert_eq!(c.cpue, Some(63.75));
        assert_eq!(grid.trips_without_positions, 1);
        // no effort at all: no CPUE
        let none = effort_grid(&[grid_trip(&here, landed(5.0, None))]);
        assert_eq!(none.cells[0].cpue, None);
    }

    #[test]
    fn trips_take_gear_from_their_landing_or_their_donor() {
        let a = "863835026738521";
        let b = "861508039395645";
        let mut l = landing(1, day(2), a);
        l.gear_code = Some(4);
        let landings = [l];
        let here = vec![ll(-8.25, 125.55)];
        let mut matched = trip(10, day(2), a);
        matched.positions = here.clone();
        let mut unmatched = trip(11, day(3), b);
        unmatched.positions = here.clone();
        let mut far = trip(12, day(3), b);
        far.positions = vec![ll(-9.5, 127.0)];
        let trips = [matched, unmatched, far];
        let report = match_landings(&landings, &trips);
        let imputed = impute_donors(
            &unmatched_tracks(&report, &trips),
            &donors(&report, &landings, &trips),
        );
        let view = grid_trips(&trips, &landings, &report, &imputed);
        let gears: Vec<_> = view.iter().map(|g| (g.gear_code, g.gear_imputed)).collect();
        assert_eq!(gears, [(Some(4), false), (Some(4), true), (None, false)]);
        assert_eq!(
            view[0].landing.and_then(|l| l.catch).map(Kilograms::value),
            Some(10.0)
        );
        let grid = effort_grid(&view);
        let cell = grid
            .cells
            .iter()
            .find(|c| c.cell.row() == -83 && c.gear_code == Some(4));
        assert_eq!(
            cell.map(|c| (c.trips, c.matched_trips, c.imputed_gear_trips, c.catch_kg)),
            Some((2, 1, 1, 10.0))
        );
    }
}
