//! The landings ports in memory: the context's part of the in-memory state, and its
//! ports on the in-memory unit of work.

use std::collections::{BTreeMap, HashMap};

use uuid::Uuid;

use crate::adapters::persistence::shared::memory::MemoryTx;
use crate::application::landings::ports::{
    AssessedLanding, ImportRecord, LandingImports, LandingReviews, LandingsTx, ReviewRecord,
    SummaryProjection,
};
use crate::application::shared::{RejectedRow, StoreError};
use crate::domain::landings::{
    Assessment, BoatType, Decision, MonthlySummaryRow, Review, Species, SummaryInput,
    SurveyedLanding,
};

/// A stored surveyed landing with its assessment.
#[derive(Debug, Clone)]
pub struct StoredLanding {
    /// The landing as reported.
    pub landing: SurveyedLanding,
    /// The source format it came from.
    pub source: String,
    /// Fingerprint of its source rows.
    pub fingerprint: String,
    /// The import that wrote it.
    pub import_id: Uuid,
    /// The rule set's (or the latest review's) assessment.
    pub assessment: Assessment,
    /// Whether it counts in summaries.
    pub counts: bool,
    /// The latest review's decision.
    pub review_status: Option<String>,
}

/// The landings context's part of the in-memory state.
#[derive(Debug, Clone, Default)]
pub struct LandingsMemory {
    /// The species catalogue, by code.
    pub species: BTreeMap<i32, Species>,
    /// Surveyed landings, by tasi's id.
    pub landings: BTreeMap<Uuid, StoredLanding>,
    /// Reviews, oldest first: the landing's id and the review as stored.
    pub reviews: Vec<(Uuid, ReviewRecord)>,
    /// Import records.
    pub imports: Vec<ImportRecord>,
    /// Rejected rows, by import.
    pub rejected: Vec<(Uuid, RejectedRow)>,
    /// The monthly summary read model.
    pub summaries: Vec<MonthlySummaryRow>,
    /// Rebuilds of the read models so far.
    pub rebuilds: u64,
}

impl MemoryTx {
    /// This unit of work's copy of the LandingsMemory part.
    fn landings_part(&mut self) -> &mut LandingsMemory {
        self.part()
    }
}

impl LandingImports for MemoryTx {
    fn upsert_species(&mut self, species: &[Species]) -> Result<(u64, u64), StoreError> {
        let catalogue = &mut self.landings_part().species;
        let (mut written, mut unchanged) = (0, 0);
        for s in species {
            if catalogue.get(&s.code) == Some(s) {
                unchanged += 1;
            } else {
                catalogue.insert(s.code, s.clone());
                written += 1;
            }
        }
        Ok((written, unchanged))
    }

    fn landing_fingerprints(&mut self, source: &str) -> Result<HashMap<i64, String>, StoreError> {
        Ok(self
            .landings_part()
            .landings
            .values()
            .filter(|l| l.source == source)
            .map(|l| (l.landing.source_id, l.fingerprint.clone()))
            .collect())
    }

    fn record_import(&mut self, record: &ImportRecord) -> Result<(), StoreError> {
        self.landings_part().imports.push(record.clone());
        Ok(())
    }

    fn remove_landings(&mut self, source: &str, source_ids: &[i64]) -> Result<(), StoreError> {
        self.landings_part()
            .landings
            .retain(|_, l| !(l.source == source && source_ids.contains(&l.landing.source_id)));
        Ok(())
    }

    fn insert_landings(
        &mut self,
        source: &str,
        import_id: Uuid,
        landings: &[AssessedLanding<'_>],
    ) -> Result<(), StoreError> {
        let stored = &mut self.landings_part().landings;
        for a in landings {
            stored.insert(
                a.landing.id.0,
                StoredLanding {
                    landing: a.landing.clone(),
                    source: source.to_string(),
                    fingerprint: a.fingerprint.to_string(),
                    import_id,
                    counts: a.assessment.counts_in_summaries(),
                    assessment: a.assessment.clone(),
                    review_status: None,
                },
            );
        }
        Ok(())
    }

    fn record_rejections(
        &mut self,
        import_id: Uuid,
        rows: &[RejectedRow],
    ) -> Result<(), StoreError> {
        self.landings_part()
            .rejected
            .extend(rows.iter().map(|r| (import_id, r.clone())));
        Ok(())
    }
}

impl LandingReviews for MemoryTx {
    fn lock_landing(&mut self, id: Uuid) -> Result<bool, StoreError> {
        let sees = self.view();
        Ok(self
            .landings_part()
            .landings
            .get(&id)
            .is_some_and(|l| sees(l.landing.site.path.as_str())))
    }

    fn reported(&mut self, id: Uuid) -> Result<Option<SurveyedLanding>, StoreError> {
        let sees = self.view();
        Ok(self
            .landings_part()
            .landings
            .get(&id)
            .filter(|l| sees(l.landing.site.path.as_str()))
            .map(|l| l.landing.clone()))
    }

    fn record_review(
        &mut self,
        landing: &SurveyedLanding,
        review: &Review,
        changes: &[(&'static str, String, String)],
        _rule_set: &str,
        assessment: &Assessment,
        counts: bool,
    ) -> Result<(), StoreError> {
        let part = self.landings_part();
        let l = part
            .landings
            .get_mut(&landing.id.0)
            .ok_or_else(|| StoreError::permanent("reviewing a landing gone"))?;
        l.assessment = assessment.clone();
        l.counts = counts;
        l.review_status = Some(review.decision.key().to_string());
        part.reviews.push((
            landing.id.0,
            ReviewRecord {
                decided_at: review.at,
                reviewer: review.reviewer.clone(),
                decision: review.decision.key().to_string(),
                reason: review.reason.clone(),
                changes: match &review.decision {
                    Decision::Correct(_) => changes
                        .iter()
                        .map(|(f, a, b)| (f.to_string(), a.clone(), b.clone()))
                        .collect(),
                    _ => Vec::new(),
                },
            },
        ));
        Ok(())
    }
}

impl SummaryProjection for MemoryTx {
    fn lock(&mut self) -> Result<(), StoreError> {
        Ok(())
    }

    fn summary_inputs(&mut self) -> Result<Vec<SummaryInput>, StoreError> {
        Ok(self
            .landings_part()
            .landings
            .values()
            .filter(|l| l.counts)
            .filter_map(|l| {
                Some(SummaryInput {
                    date: l.landing.date?,
                    municipality: l.landing.site.municipality.clone()?,
                    boat_type: BoatType::from_code(l.landing.boat_code?.into()).ok()?,
                    effort: l.assessment.effort?,
                    catch: l.assessment.catch,
                    value_usd: l.assessment.value.map(|v| v.value()),
                })
            })
            .collect())
    }

    fn replace_read_models(&mut self, rows: &[MonthlySummaryRow]) -> Result<(), StoreError> {
        let models = self.landings_part();
        models.summaries = rows.to_vec();
        models.rebuilds += 1;
        Ok(())
    }
}

impl LandingsTx for MemoryTx {
    fn imports(&mut self) -> &mut dyn LandingImports {
        self
    }

    fn reviews(&mut self) -> &mut dyn LandingReviews {
        self
    }

    fn summaries(&mut self) -> &mut dyn SummaryProjection {
        self
    }
}
