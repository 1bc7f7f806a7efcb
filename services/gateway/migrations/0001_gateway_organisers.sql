-- Organiser accounts and their sessions: the gateway keeps identity only, never records
-- (events live in capacity, registrations and personal data of attendees in registration).
CREATE TABLE organisers (
    organiser_id  uuid PRIMARY KEY,
    email         text        NOT NULL UNIQUE CHECK (email = lower(email)),
    name          text        NOT NULL,
    password_hash text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz
);

-- Only the SHA-256 of a session token is stored: a copy of this table lets nobody in.
CREATE TABLE sessions (
    token_hash   bytea PRIMARY KEY,
    organiser_id uuid        NOT NULL REFERENCES organisers ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Failed logins, counted per e-mail address and per client address to throttle guessing.
CREATE TABLE login_failures (
    id        bigserial PRIMARY KEY,
    email     text        NOT NULL,
    client_ip text        NOT NULL,
    failed_at timestamptz NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, failed_at);
CREATE INDEX login_failures_ip ON login_failures (client_ip, failed_at);
