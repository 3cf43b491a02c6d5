DROP INDEX access.audit_log_jurisdictions;
ALTER TABLE access.audit_log DROP COLUMN jurisdictions;
