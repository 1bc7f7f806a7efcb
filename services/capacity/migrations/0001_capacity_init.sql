-- Events with their seat inventory and seat decisions per registration.
-- The outbox comes from contracts/src/contracts/runtime/migrations.
CREATE TABLE events (
    event_id         uuid PRIMARY KEY,
    title            text        NOT NULL,
    kind             text        NOT NULL,
    description      text        NOT NULL DEFAULT '',
    starts_at        timestamptz NOT NULL,
    ends_at          timestamptz NOT NULL,
    venue            text        NOT NULL,
    city             text        NOT NULL,
    capacity         integer     NOT NULL CHECK (capacity >= 0),
    waitlist_enabled boolean     NOT NULL,
    status           text        NOT NULL,
    close_reason     text,
    seats_taken      integer     NOT NULL DEFAULT 0,
    waitlist_length  integer     NOT NULL DEFAULT 0,
    revision         integer     NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (seats_taken <= capacity),
    CHECK (ends_at >= starts_at)
);

CREATE TABLE seat_decisions (
    registration_id  uuid PRIMARY KEY,
    event_id         uuid        NOT NULL,
    decision_id      uuid        NOT NULL UNIQUE,
    outcome          text        NOT NULL CHECK (outcome IN ('confirmed', 'waitlisted', 'rejected')),
    waitlist_position integer,
    rejection_reason text,
    requested_at     timestamptz NOT NULL,
    decided_at       timestamptz NOT NULL
);
CREATE INDEX seat_decisions_event ON seat_decisions (event_id, outcome);
