-- Platform: the one outbox of domain events, written in the producer's transaction, and the
-- relay's acknowledgements, one row per subscriber and event delivered. A producer never
-- names a consumer; each consumer keeps an inbox of the events it handled in its own
-- schema (`<context>.inbox`), written in the transaction of its reaction.
CREATE SCHEMA platform;

CREATE TABLE platform.outbox (
    position       bigserial PRIMARY KEY,
    event_id       uuid NOT NULL UNIQUE,
    event_type     text NOT NULL,
    schema_version smallint NOT NULL CHECK (schema_version > 0),
    occurred_at    timestamptz NOT NULL,
    aggregate_type text NOT NULL,
    aggregate_id   text NOT NULL,
    jurisdiction   text,
    payload        jsonb NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_type ON platform.outbox (event_type, position);

CREATE TABLE platform.deliveries (
    subscriber   text NOT NULL,
    event_id     uuid NOT NULL REFERENCES platform.outbox (event_id),
    delivered_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subscriber, event_id)
);

-- The application role publishes events (its transactions insert into the outbox); only
-- the owner (the relay) reads them and records deliveries.
GRANT USAGE ON SCHEMA platform TO tasi_app;
GRANT INSERT ON platform.outbox TO tasi_app;
GRANT USAGE ON SEQUENCE platform.outbox_position_seq TO tasi_app;
