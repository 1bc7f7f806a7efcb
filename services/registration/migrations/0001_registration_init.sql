-- Registrations (the only place personal data lives), processed messages, outbox.
CREATE TABLE registrations (
    registration_id    uuid PRIMARY KEY,
    event_id           uuid        NOT NULL,
    name               text        NOT NULL,
    email              text        NOT NULL,
    email_normalized   text        NOT NULL,
    organisation       text        NOT NULL DEFAULT '',
    locale             text        NOT NULL DEFAULT 'de',
    status             text        NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'confirmed', 'waitlisted', 'rejected')),
    waitlist_position  integer,
    rejection_reason   text,
    idempotency_key    text        NOT NULL UNIQUE,
    privacy_consent_at timestamptz NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (event_id, email_normalized)
);

CREATE TABLE processed_messages (
    consumer     text        NOT NULL,
    message_id   uuid        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
);

CREATE TABLE outbox (
    id         bigserial PRIMARY KEY,
    topic      text        NOT NULL,
    key        text        NOT NULL,
    value      text        NOT NULL,
    headers    jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
