-- Landings context: reviews of flagged landings. Each decision is an event, kept forever
-- (append-only); the landing row carries the outcome of the latest one.
CREATE TABLE landings.reviews (
    id          bigserial PRIMARY KEY,
    landing_id  uuid NOT NULL,
    source      text NOT NULL,
    source_id   bigint NOT NULL,
    decided_at  timestamptz NOT NULL,
    reviewer    text NOT NULL,
    decision    text NOT NULL CHECK (decision IN ('accept', 'correct', 'reject')),
    reason      text NOT NULL,
    corrections jsonb NOT NULL DEFAULT '{}',
    changes     jsonb NOT NULL DEFAULT '[]',
    rule_set    text NOT NULL
);
CREATE INDEX reviews_landing ON landings.reviews (source, source_id, decided_at);

CREATE FUNCTION landings.reviews_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'landings.reviews is append-only (% refused)', TG_OP;
END;
$$;
CREATE TRIGGER reviews_no_update_delete BEFORE UPDATE OR DELETE ON landings.reviews
    FOR EACH ROW EXECUTE FUNCTION landings.reviews_append_only();

-- The latest decision on the landing (NULL: not reviewed) and the flags it covered.
ALTER TABLE landings.surveyed_landings ADD COLUMN review_status text
    CHECK (review_status IN ('accept', 'correct', 'reject'));
ALTER TABLE landings.quality_flags ADD COLUMN reviewed boolean NOT NULL DEFAULT false;
