//! Command: assess tracked trips again on their GPS positions. A PDS trips export has no
//! positions; its points export does. Whichever arrives second, the trips it concerns are
//! assessed on both: the speed and land rules need the points, and the effort grid and the
//! matching need the trip's sampled track.

use uuid::Uuid;

use super::ports::{TrackAssessment, TrackingTx};
use crate::application::shared::{Caller, StoreError, Transaction, UnitOfWork};
use crate::domain::shared::{DomainEvent, LatLon};
use crate::domain::tracking::{TrackRules, TrackedTripsReassessed, code};

/// Trips read and assessed at a time (bounds the positions held in memory).
pub const CHUNK: usize = 200;

/// Positions kept in a track signature.
pub const SAMPLES: usize = 10;

/// At most `n` items evenly spaced along `v`, first and last kept (PeskAAS's
/// `v[round(seq(1, length(v), length.out = 10))]`).
pub fn evenly_spaced<T: Copy>(v: &[T], n: usize) -> Vec<T> {
    if v.len() <= n || n < 2 {
        return v.to_vec();
    }
    let step = (v.len() - 1) as f64 / (n - 1) as f64;
    (0..n)
        .filter_map(|k| v.get((k as f64 * step).round() as usize).copied())
        .collect()
}

/// Assesses the stored PDS trips `source_ids` on their positions with `rules`, as `caller`
/// in one unit of work: duration, distance, speed (share of points faster than the limit)
/// and land, keeping the duplicate flags the import found; stores the flags, the track
/// signature and the distance, and publishes [`TrackedTripsReassessed`] when a trip was
/// assessed. Returns how many trips were assessed (trips without positions, or not
/// imported yet, are skipped: they are assessed when the other file arrives).
///
/// # Errors
/// [`StoreError`] when the database fails; nothing is stored.
pub fn reassess_trips<U>(
    uow: &U,
    caller: &Caller,
    rules: &TrackRules,
    source_ids: &[String],
) -> Result<usize, StoreError>
where
    U: UnitOfWork,
    U::Tx: TrackingTx,
{
    uow.run(caller, |tx| {
        let land = tx.assessments().land()?;
        let mut assessed = 0;
        for chunk in source_ids.chunks(CHUNK) {
            for t in tx.assessments().tracks(chunk)? {
                let mut flags = rules.assess(&t.trip, &land);
                flags.extend(t.flags.into_iter().filter(|f| f.code == code::DUPLICATE));
                let at: Vec<LatLon> = t.trip.positions().iter().map(|p| p.at()).collect();
                tx.assessments().store(
                    t.id,
                    &TrackAssessment {
                        flags,
                        samples: evenly_spaced(&at, SAMPLES),
                        distance_m: t.trip.distance_m(),
                    },
                )?;
                assessed += 1;
            }
        }
        if assessed > 0 {
            tx.publish(DomainEvent::new(
                TrackedTripsReassessed {
                    run_id: Uuid::now_v7(),
                    trips: assessed as u64,
                },
                chrono::Utc::now(),
            ))?;
        }
        Ok(assessed)
    })
}

#[cfg(test)]
mod tests {
    use super::evenly_spaced;

    #[test]
    fn a_track_is_sampled_evenly_keeping_both_ends() {
        let v: Vec<u32> = (0..100).collect();
        let s = evenly_spaced(&v, 10);
        assert_eq!(s.len(), 10);
        assert_eq!(s.first(), Some(&0));
        assert_eq!(s.last(), Some(&99));
        assert_eq!(s.get(1), Some(&11));
        assert_eq!(evenly_spaced(&[1, 2, 3], 10), vec![1, 2, 3]);
    }
}
