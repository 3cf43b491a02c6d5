DROP TABLE access.audit_log;
DROP FUNCTION access.audit_log_append_only();
DROP TABLE access.grants;
