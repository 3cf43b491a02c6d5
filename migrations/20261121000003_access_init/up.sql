-- Access context: users and server-side sessions.
CREATE SCHEMA access;

CREATE TABLE access.users (
    id            uuid PRIMARY KEY,
    email         text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    is_admin      boolean NOT NULL DEFAULT false,
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Server-side sessions: the cookie carries only the random key.
CREATE TABLE access.sessions (
    session_key text PRIMARY KEY,
    state       jsonb NOT NULL,
    user_id     uuid REFERENCES access.users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX sessions_user ON access.sessions (user_id);
CREATE INDEX sessions_expiry ON access.sessions (expires_at);
