-- Every audit entry carries the jurisdictions it concerns (issue 9, item 3): the one it was
-- recorded at, or else those of the user it is about (the grants of the user whose e-mail is
-- its actor: a login, a logout, a failed login typed with their address). An admin sees the
-- entries with a jurisdiction inside their subtrees; entries concerning none (a failed login
-- with an unknown address, the command line's work) only admins of a whole country.
ALTER TABLE access.audit_log ADD COLUMN jurisdictions text[] NOT NULL DEFAULT '{}';

-- The backfill is the only rewrite the log ever sees: its append-only trigger is off for it.
ALTER TABLE access.audit_log DISABLE TRIGGER audit_log_no_update_delete;
UPDATE access.audit_log SET jurisdictions = ARRAY[jurisdiction] WHERE jurisdiction IS NOT NULL;
UPDATE access.audit_log a
SET jurisdictions = coalesce((SELECT array_agg(DISTINCT g.jurisdiction_path ORDER BY g.jurisdiction_path)
                              FROM access.grants g JOIN access.users u ON u.id = g.user_id
                              WHERE u.email = a.actor), '{}')
WHERE a.jurisdiction IS NULL;
ALTER TABLE access.audit_log ENABLE TRIGGER audit_log_no_update_delete;

CREATE INDEX audit_log_jurisdictions ON access.audit_log USING gin (jurisdictions);
