-- depends: 0001_registration_init
-- Role and accessibility needs (health data: kept only with its own consent, health_consent_at),
-- and the feedback sent from the accessibility statement.
ALTER TABLE registrations
    ADD COLUMN role                text        NOT NULL DEFAULT 'other',
    ADD COLUMN accessibility_needs text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN accessibility_other text        NOT NULL DEFAULT '',
    ADD COLUMN health_consent_at   timestamptz;
-- the organisers' list of one event and its accessibility report
CREATE INDEX registrations_event ON registrations (event_id, created_at);

CREATE TABLE feedback (
    feedback_id uuid PRIMARY KEY,
    message     text        NOT NULL,
    name        text        NOT NULL DEFAULT '',
    email       text        NOT NULL DEFAULT '',
    page        text        NOT NULL DEFAULT '',
    locale      text        NOT NULL DEFAULT 'de',
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feedback_received ON feedback (received_at DESC);
