-- Owner and operator accounts, sessions with rotating refresh tokens, one-time account tokens,
-- the audit log, rate-limit events and the sandbox mailbox. Limits mirror paygate_domain::limits
-- (a test checks that both agree).

CREATE TYPE user_role AS ENUM ('owner', 'operator');

CREATE TABLE users (
    id                 UUID PRIMARY KEY,
    username           TEXT NOT NULL CHECK (char_length(username) BETWEEN 3 AND 50 AND username ~ '^[A-Za-z0-9_]+$'),
    email              TEXT NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254 AND position('@' IN email) > 1),
    password_hash      TEXT NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    role               user_role NOT NULL DEFAULT 'owner',
    email_verified_at  TIMESTAMPTZ,
    max_channels       INT NOT NULL DEFAULT 10 CHECK (max_channels BETWEEN 0 AND 1000),
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_username_ci ON users (lower(username));
CREATE UNIQUE INDEX users_email_ci ON users (lower(email));

-- One login = one session; its refresh tokens form a family revoked together on reuse or logout.
CREATE TABLE sessions (
    id              UUID PRIMARY KEY,
    user_id         UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at      TIMESTAMPTZ,
    revoked_reason  TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE refresh_tokens (
    token_hash  BYTEA PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    session_id  UUID NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TYPE account_token_purpose AS ENUM ('verify_email', 'reset_password');

CREATE TABLE account_tokens (
    token_hash  BYTEA PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    user_id     UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     account_token_purpose NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose);

CREATE TABLE audit_log (
    id          BIGSERIAL PRIMARY KEY,
    user_id     UUID REFERENCES users (id) ON DELETE SET NULL,
    actor_id    UUID REFERENCES users (id) ON DELETE SET NULL,
    action      TEXT NOT NULL CHECK (action ~ '^[a-z_.]+$'),
    details     JSONB NOT NULL DEFAULT '{}',
    ip          TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_user ON audit_log (user_id, id DESC);

-- Sliding-window rate limiting shared by every instance.
CREATE TABLE rate_limit_events (
    bucket      TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX rate_limit_events_bucket ON rate_limit_events (bucket, created_at);

-- Mails kept by the sandbox mailer (no SMTP configured), readable by the operator.
CREATE TABLE sandbox_mails (
    id          BIGSERIAL PRIMARY KEY,
    to_address  TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
