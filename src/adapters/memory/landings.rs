//! The landings and geography ports in memory.

use std::collections::HashMap;

use uuid::Uuid;

use super::{MemoryTx, StoredLanding};
use crate::application::geography::ports::{GeographyTx, JurisdictionRegistry};
use crate::application::landings::ports::{
    AssessedLanding, ImportRecord, LandingImports, LandingReviews, LandingsTx, ReviewRecord,
    SummaryProjection,
};
use crate::application::shared::{RejectedRow, StoreError};
use crate::domain::geography::Jurisdiction;
use crate::domain::landings::{
    Assessment, BoatType, Decision, MonthlySummaryRow, Review, Species, SummaryInput,
    SurveyedLanding,
};

impl JurisdictionRegistry for MemoryTx {
    fn upsert(&mut self, nodes: &[Jurisdiction]) -> Result<(u64, u64), StoreError> {
        let (mut written, mut unchanged) = (0, 0);
        for j in nodes {
            match self.state.jurisdictions.get(j.path.as_str()) {
                Some(s)
                    if s.kind == j.kind
                        && s.source_code == j.source_code
                        && s.boundary == j.boundary =>
                {
                    unchanged += 1;
                }
                _ => {
                    self.state
                        .jurisdictions
                        .insert(j.path.to_string(), j.clone());
                    written += 1;
                }
            }
        }
        Ok((written, unchanged))
    }
}

impl GeographyTx for MemoryTx {
    fn jurisdictions(&mut self) -> &mut dyn JurisdictionRegistry {
        self
    }
}

impl LandingImports for MemoryTx {
    fn upsert_species(&mut self, species: &[Species]) -> Result<(u64, u64), StoreError> {
        let (mut written, mut unchanged) = (0, 0);
        for s in species {
            if self.state.species.get(&s.code) == Some(s) {
                unchanged += 1;
            } else {
                self.state.species.insert(s.code, s.clone());
                written += 1;
            }
        }
        Ok((written, unchanged))
    }

    fn landing_fingerprints(&mut self, source: &str) -> Result<HashMap<i64, String>, StoreError> {
        Ok(self
            .state
            .landings
            .values()
            .filter(|l| l.source == source)
            .map(|l| (l.landing.source_id, l.fingerprint.clone()))
            .collect())
    }

    fn record_import(&mut self, record: &ImportRecord) -> Result<(), StoreError> {
        self.state.imports.push(record.clone());
        Ok(())
    }

    fn remove_landings(&mut self, source: &str, source_ids: &[i64]) -> Result<(), StoreError> {
        self.state
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
        for a in landings {
            self.state.landings.insert(
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
        self.state
            .rejected
            .extend(rows.iter().map(|r| (import_id, r.clone())));
        Ok(())
    }
}

impl LandingReviews for MemoryTx {
    fn lock_landing(&mut self, id: Uuid) -> Result<bool, StoreError> {
        Ok(self
            .state
            .landings
            .get(&id)
            .is_some_and(|l| self.sees(l.landing.site.path.as_str())))
    }

    fn reported(&mut self, id: Uuid) -> Result<Option<SurveyedLanding>, StoreError> {
        Ok(self
            .state
            .landings
            .get(&id)
            .filter(|l| self.sees(l.landing.site.path.as_str()))
            .map(|l| l.landing.clone()))
    }

    fn append_review(
        &mut self,
        landing: &SurveyedLanding,
        review: &Review,
        changes: &[(&'static str, String, String)],
        _rule_set: &str,
    ) -> Result<(), StoreError> {
        self.state.reviews.push((
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

    fn store_outcome(
        &mut self,
        landing_id: Uuid,
        assessment: &Assessment,
        counts: bool,
        decision: &str,
    ) -> Result<(), StoreError> {
        let l = self
            .state
            .landings
            .get_mut(&landing_id)
            .ok_or_else(|| StoreError::permanent("storing the outcome of a landing gone"))?;
        l.assessment = assessment.clone();
        l.counts = counts;
        l.review_status = Some(decision.to_string());
        Ok(())
    }
}

impl SummaryProjection for MemoryTx {
    fn lock(&mut self) -> Result<(), StoreError> {
        Ok(())
    }

    fn summary_inputs(&mut self) -> Result<Vec<SummaryInput>, StoreError> {
        Ok(self
            .state
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
        self.state.summaries = rows.to_vec();
        self.state.rebuilds += 1;
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
