-- Notification service: event catalogue read model and delivery ledger.
-- The outbox table comes with the servicekit migrations (libs/servicekit/src/servicekit/migrations).

CREATE TABLE events (
    event_id    uuid PRIMARY KEY,
    title       text        NOT NULL,
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL,
    venue       text        NOT NULL,
    city        text        NOT NULL,
    description text        NOT NULL DEFAULT '',
    revision    integer     NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE deliveries (
    decision_id     uuid PRIMARY KEY,
    notification_id uuid        NOT NULL UNIQUE,
    registration_id uuid        NOT NULL,
    event_id        uuid        NOT NULL,
    kind            text        NOT NULL
        CHECK (kind IN ('confirmation', 'waitlist', 'rejection')),
    status          text        NOT NULL DEFAULT 'sending'
        CHECK (status IN ('sending', 'sent', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);

CREATE INDEX deliveries_registration_idx ON deliveries (registration_id);
CREATE INDEX deliveries_unfinished_idx ON deliveries (created_at) WHERE status = 'sending';
