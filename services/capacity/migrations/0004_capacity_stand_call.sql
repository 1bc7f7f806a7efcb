-- depends: 0003_capacity_programme
-- The call for stands at an event's "Markt der guten Ideen" (opens_at, closes_at, stands,
-- description), stored with the event's details; NULL: the event has none.
ALTER TABLE events ADD COLUMN stand_call jsonb;
