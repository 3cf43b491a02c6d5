//! Domain events: what happened in a context, told to whoever cares without naming them.
//!
//! An aggregate or a use case raises an event (a payload type of its own context) and
//! returns it; the unit of work publishes it, in the same transaction as the change, to the
//! one outbox; the relay delivers it after the commit to the subscribers that consuming
//! contexts registered. The producer never names a consumer.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::JurisdictionPath;

/// The payload of one kind of event: its type name and schema version, the aggregate it
/// concerns, and the jurisdiction it concerns (what a subscriber may filter on, and what
/// scopes the event when it is shown).
///
/// The type name is `<context>.<EventName>` (`landings.LandingReviewed`) and never changes;
/// a change of the payload's shape that an old reader cannot read raises the version.
pub trait EventPayload: Serialize + Clone + std::fmt::Debug + Send + Sync + 'static {
    /// The event's type name, `<context>.<EventName>`.
    const TYPE: &'static str;
    /// The payload's schema version, from 1.
    const VERSION: u16;
    /// The kind of aggregate the event concerns (`SurveyedLanding`, `Import`, `User`).
    const AGGREGATE: &'static str;

    /// The id of the aggregate the event concerns: events of one aggregate are delivered in
    /// the order they were published.
    fn aggregate_id(&self) -> String;

    /// The jurisdiction the event concerns, when there is one.
    fn jurisdiction(&self) -> Option<JurisdictionPath>;
}

/// The envelope of an event: a time-ordered id (UUID v7), the type name and schema
/// version, when it happened (UTC), the aggregate and jurisdiction it concerns, and the
/// payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomainEvent<P> {
    /// A UUID v7: unique, and ordered by the time it was made.
    pub id: Uuid,
    /// `<context>.<EventName>`, e.g. `landings.LandingReviewed`.
    pub event_type: String,
    /// The payload's schema version.
    pub schema_version: u16,
    /// When it happened, UTC.
    pub occurred_at: DateTime<Utc>,
    /// The kind of aggregate it concerns.
    pub aggregate_type: String,
    /// The aggregate's id.
    pub aggregate_id: String,
    /// The jurisdiction it concerns, when there is one.
    pub jurisdiction: Option<JurisdictionPath>,
    /// What happened.
    pub payload: P,
}

impl<P: EventPayload> DomainEvent<P> {
    /// The envelope of `payload`, which happened at `occurred_at`, with a new v7 id.
    pub fn new(payload: P, occurred_at: DateTime<Utc>) -> Self {
        DomainEvent {
            id: Uuid::now_v7(),
            event_type: P::TYPE.to_string(),
            schema_version: P::VERSION,
            occurred_at,
            aggregate_type: P::AGGREGATE.to_string(),
            aggregate_id: payload.aggregate_id(),
            jurisdiction: payload.jurisdiction(),
            payload,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Serialize)]
    struct Sampled {
        site: String,
    }

    impl EventPayload for Sampled {
        const TYPE: &'static str = "test.Sampled";
        const VERSION: u16 = 2;
        const AGGREGATE: &'static str = "Site";
        fn aggregate_id(&self) -> String {
            self.site.clone()
        }
        fn jurisdiction(&self) -> Option<JurisdictionPath> {
            JurisdictionPath::parse(&self.site).ok()
        }
    }

    #[test]
    fn an_envelope_carries_the_payloads_type_version_aggregate_and_jurisdiction() {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let e = DomainEvent::new(
            Sampled {
                site: "Timor-Leste/Atauro".into(),
            },
            at,
        );
        assert_eq!(e.event_type, "test.Sampled");
        assert_eq!(e.schema_version, 2);
        assert_eq!(e.aggregate_type, "Site");
        assert_eq!(e.aggregate_id, "Timor-Leste/Atauro");
        assert_eq!(
            e.jurisdiction.as_ref().map(|j| j.as_str()),
            Some("Timor-Leste/Atauro")
        );
        assert_eq!(e.id.get_version_num(), 7);
        let later = DomainEvent::new(e.payload.clone(), at);
        assert!(later.id > e.id, "v7 ids are ordered by creation");
    }
}
