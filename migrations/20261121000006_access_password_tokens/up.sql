-- Access context: one-time set-password links. The link carries a 256-bit random token
-- (64 hex characters); only its first 16 characters are stored in the clear, as the lookup
-- key, and the remaining 48 only as an argon2id hash, so the table alone opens no account.
-- A link is valid until `expires_at` (24 hours after issue) and only once (`used_at`).
CREATE TABLE access.password_tokens (
    lookup      text PRIMARY KEY CHECK (lookup ~ '^[0-9a-f]{16}$'),
    user_id     uuid NOT NULL REFERENCES access.users (id) ON DELETE CASCADE,
    secret_hash text NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    created_by  text NOT NULL
);
CREATE INDEX password_tokens_user ON access.password_tokens (user_id);
