ALTER TABLE access.users DROP COLUMN sessions_valid_after;
DELETE FROM access.sessions;
ALTER TABLE access.sessions RENAME COLUMN key_hash TO session_key;
