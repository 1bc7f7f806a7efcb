-- Registrations: the only place personal data lives.
-- outbox and processed_messages come from libs/servicekit/src/servicekit/migrations.
CREATE TABLE registrations (
    registration_id    uuid PRIMARY KEY,
    event_id           uuid        NOT NULL,
    name               text        NOT NULL,
    email              text        NOT NULL,
    email_normalized   text        NOT NULL,
    organisation       text        NOT NULL DEFAULT '',
    locale             text        NOT NULL DEFAULT 'de',
    status             text        NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'confirmed', 'waitlisted', 'rejected', 'cancelled')),
    waitlisted_at      timestamptz,
    rejection_reason   text,
    cancelled_at       timestamptz,
    cancel_reason      text,
    idempotency_key    text        NOT NULL UNIQUE,
    privacy_consent_at timestamptz NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
-- one active registration per person and event; after cancelling one may register again
CREATE UNIQUE INDEX registrations_person ON registrations (event_id, email_normalized)
    WHERE status <> 'cancelled';
CREATE INDEX registrations_waiting ON registrations (event_id, waitlisted_at, registration_id)
    WHERE status = 'waitlisted';
