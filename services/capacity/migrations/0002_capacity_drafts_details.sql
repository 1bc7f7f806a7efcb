-- depends: 0001_capacity_init
-- Drafts (events the organisers prepare before publishing), the venue's address and a
-- functional contact of the organising team.
ALTER TABLE events DROP CONSTRAINT events_status_check;
ALTER TABLE events ADD CONSTRAINT events_status_check
    CHECK (status IN ('draft', 'open', 'closed', 'cancelled'));
ALTER TABLE events
    ADD COLUMN address           text NOT NULL DEFAULT '',
    ADD COLUMN organiser_contact text NOT NULL DEFAULT '';
