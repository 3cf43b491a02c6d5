-- Access context: roles granted on jurisdiction nodes, and the append-only audit log.

CREATE TABLE access.grants (
    user_id           uuid NOT NULL REFERENCES access.users (id) ON DELETE CASCADE,
    role              text NOT NULL CHECK (role IN ('viewer', 'officer', 'analyst', 'admin')),
    jurisdiction_path text NOT NULL,
    granted_at        timestamptz NOT NULL DEFAULT now(),
    granted_by        text NOT NULL,
    PRIMARY KEY (user_id, role, jurisdiction_path)
);

-- Who did what, where, from where. Timestamps in UTC (timestamptz).
CREATE TABLE access.audit_log (
    id           bigserial PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    actor        text NOT NULL,
    action       text NOT NULL,
    jurisdiction text,
    client_addr  text,
    details      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON access.audit_log (at DESC);
CREATE INDEX audit_log_actor ON access.audit_log (actor, at DESC);

-- Append-only for everyone, the owner included: UPDATE, DELETE and TRUNCATE fail.
CREATE FUNCTION access.audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'access.audit_log is append-only (% refused)', TG_OP;
END;
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON access.audit_log
    FOR EACH ROW EXECUTE FUNCTION access.audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON access.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION access.audit_log_append_only();
