-- Sessions are stored by the SHA-256 of the cookie's key (hex), so that a read of the table
-- gives no usable session. Rows stored under the raw key end here: everyone logs in again.
DELETE FROM access.sessions;
ALTER TABLE access.sessions RENAME COLUMN session_key TO key_hash;

-- A session whose login is before this instant is void, whatever its row says: moved by
-- logging out everywhere, a password change or reset, disabling and every grant change.
ALTER TABLE access.users ADD COLUMN sessions_valid_after timestamptz;
