-- depends: 0004_capacity_stand_call
-- The Markt der guten Ideen: the stands taken by accepted applications (the applications
-- themselves, with their contact person, are the registration service's), and the day
-- seats of a stand's staff, which are the stand's and never count in seats_taken.
ALTER TABLE events ADD COLUMN stands_taken integer NOT NULL DEFAULT 0 CHECK (stands_taken >= 0);

CREATE TABLE stands (
    application_id uuid    PRIMARY KEY,
    event_id       uuid    NOT NULL REFERENCES events,
    staff          integer NOT NULL CHECK (staff >= 1),
    revision       integer NOT NULL,
    released       boolean NOT NULL DEFAULT false
);
CREATE INDEX stands_event ON stands (event_id) WHERE NOT released;

ALTER TABLE seats ADD COLUMN stand_application_id uuid;
CREATE INDEX seats_stand ON seats (stand_application_id) WHERE stand_application_id IS NOT NULL;
