//! The relay's side of `platform.outbox`: pending events per subscriber, delivered under a
//! per-subscriber advisory lock and acknowledged in `platform.deliveries`.

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Nullable, SmallInt, Text, Timestamptz};
use uuid::Uuid;

use super::{PgPool, store_err};
use crate::application::shared::{Outbox, StoreError, StoredEvent};

/// The outbox on the owner's pool (the application role may only insert into it).
pub struct DieselOutbox {
    pool: PgPool,
}

impl DieselOutbox {
    /// The outbox read and acknowledged through `pool` (the owner's).
    pub fn new(pool: PgPool) -> Self {
        DieselOutbox { pool }
    }
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    position: i64,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    event_id: Uuid,
    #[diesel(sql_type = Text)]
    event_type: String,
    #[diesel(sql_type = SmallInt)]
    schema_version: i16,
    #[diesel(sql_type = Timestamptz)]
    occurred_at: chrono::DateTime<chrono::Utc>,
    #[diesel(sql_type = Text)]
    aggregate_type: String,
    #[diesel(sql_type = Text)]
    aggregate_id: String,
    #[diesel(sql_type = Nullable<Text>)]
    jurisdiction: Option<String>,
    #[diesel(sql_type = Text)]
    payload: String,
}

impl From<Row> for StoredEvent {
    fn from(r: Row) -> Self {
        StoredEvent {
            position: r.position,
            id: r.event_id,
            event_type: r.event_type,
            schema_version: u16::try_from(r.schema_version).unwrap_or_default(),
            occurred_at: r.occurred_at,
            aggregate_type: r.aggregate_type,
            aggregate_id: r.aggregate_id,
            jurisdiction: r.jurisdiction,
            payload: r.payload,
        }
    }
}

/// A failure of the subscriber's delivery, carried out of the transaction.
enum Failed {
    Db(diesel::result::Error),
    Delivery(StoreError),
}

impl From<diesel::result::Error> for Failed {
    fn from(e: diesel::result::Error) -> Self {
        Failed::Db(e)
    }
}

impl Outbox for DieselOutbox {
    fn deliver(
        &self,
        subscriber: &str,
        types: &[&str],
        limit: usize,
        deliver: &mut dyn FnMut(&[StoredEvent]) -> Result<(), StoreError>,
    ) -> Result<usize, StoreError> {
        let mut conn = self.pool.get().map_err(store_err)?;
        let types: Vec<String> = types.iter().map(|t| t.to_string()).collect();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let result = conn.transaction::<usize, Failed, _>(|c| {
            // One delivery to a subscriber at a time, in every process: the lock lasts until
            // the acknowledgements commit (or the connection dies with its process).
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext('tasi.relay:' || $1))")
                .bind::<Text, _>(subscriber)
                .execute(c)?;
            let rows: Vec<Row> = diesel::sql_query(
                "SELECT o.position, o.event_id, o.event_type, o.schema_version, o.occurred_at,
                        o.aggregate_type, o.aggregate_id, o.jurisdiction, o.payload::text AS payload
                 FROM platform.outbox o
                 WHERE o.event_type = ANY($2)
                   AND NOT EXISTS (SELECT 1 FROM platform.deliveries d
                                   WHERE d.subscriber = $1 AND d.event_id = o.event_id)
                 ORDER BY o.position
                 LIMIT $3",
            )
            .bind::<Text, _>(subscriber)
            .bind::<Array<Text>, _>(&types)
            .bind::<BigInt, _>(limit)
            .load(c)?;
            if rows.is_empty() {
                return Ok(0);
            }
            let events: Vec<StoredEvent> = rows.into_iter().map(StoredEvent::from).collect();
            deliver(&events).map_err(Failed::Delivery)?;
            let ids: Vec<Uuid> = events.iter().map(|e| e.id).collect();
            diesel::sql_query(
                "INSERT INTO platform.deliveries (subscriber, event_id)
                 SELECT $1, unnest($2::uuid[])",
            )
            .bind::<Text, _>(subscriber)
            .bind::<Array<diesel::sql_types::Uuid>, _>(&ids)
            .execute(c)?;
            Ok(events.len())
        });
        match result {
            Ok(n) => Ok(n),
            Err(Failed::Db(e)) => Err(store_err(e)),
            Err(Failed::Delivery(e)) => Err(e),
        }
    }
}
