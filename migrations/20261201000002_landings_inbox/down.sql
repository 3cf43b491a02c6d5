DROP TABLE landings.inbox;
CREATE TABLE landings.outbox (
    id           bigserial PRIMARY KEY,
    topic        text NOT NULL,
    payload      jsonb NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz
);
CREATE INDEX outbox_pending ON landings.outbox (id) WHERE processed_at IS NULL;
GRANT INSERT ON landings.outbox TO tasi_app;
GRANT USAGE ON SEQUENCE landings.outbox_id_seq TO tasi_app;
