-- Events with their seat inventory, and one seat row per registration (its current outcome).
-- The outbox comes from libs/servicekit/src/servicekit/migrations.
CREATE TABLE events (
    event_id              uuid PRIMARY KEY,
    title                 text        NOT NULL,
    kind                  text        NOT NULL,
    description           text        NOT NULL DEFAULT '',
    starts_at             timestamptz NOT NULL,
    ends_at               timestamptz NOT NULL,
    venue                 text        NOT NULL,
    city                  text        NOT NULL,
    capacity              integer     NOT NULL CHECK (capacity >= 0),
    waitlist_enabled      boolean     NOT NULL,
    registration_deadline timestamptz,
    status                text        NOT NULL CHECK (status IN ('open', 'closed', 'cancelled')),
    close_reason          text,
    seats_taken           integer     NOT NULL DEFAULT 0 CHECK (seats_taken >= 0),
    waitlist_length       integer     NOT NULL DEFAULT 0 CHECK (waitlist_length >= 0),
    next_seq              integer     NOT NULL DEFAULT 1,
    revision              integer     NOT NULL DEFAULT 1,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CHECK (seats_taken <= capacity),
    CHECK (ends_at >= starts_at)
);
CREATE INDEX events_deadline ON events (registration_deadline) WHERE status = 'open';

CREATE TABLE seats (
    registration_id  uuid PRIMARY KEY,
    event_id         uuid        NOT NULL,
    seq              integer     NOT NULL,
    outcome          text        NOT NULL
        CHECK (outcome IN ('confirmed', 'waitlisted', 'rejected', 'released')),
    rejection_reason text,
    from_waitlist    boolean     NOT NULL DEFAULT false,
    release_reason   text,
    decision_id      uuid        NOT NULL UNIQUE,
    requested_at     timestamptz NOT NULL,
    decided_at       timestamptz NOT NULL
);
CREATE INDEX seats_waiting ON seats (event_id, seq) WHERE outcome = 'waitlisted';
CREATE INDEX seats_event ON seats (event_id, outcome);
