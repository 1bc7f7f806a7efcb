-- depends: 0002_capacity_drafts_details
-- The Fachtag programme: time slots with parallel sessions (stored with the event's
-- details), the counts per session, the sessions a registration asked for, and who holds and
-- waits for which session (one row per registration and choice slot).
ALTER TABLE events
    ADD COLUMN programme       jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN choice_deadline timestamptz,
    ADD COLUMN session_counts  jsonb NOT NULL DEFAULT '{}';
ALTER TABLE seats ADD COLUMN choices jsonb NOT NULL DEFAULT '{}';

CREATE TABLE session_choices (
    registration_id uuid   NOT NULL,
    event_id        uuid   NOT NULL,
    slot_id         uuid   NOT NULL,
    ranking         uuid[] NOT NULL,
    claims          jsonb  NOT NULL,
    holds           uuid,
    PRIMARY KEY (registration_id, slot_id)
);
CREATE INDEX session_choices_event ON session_choices (event_id);
