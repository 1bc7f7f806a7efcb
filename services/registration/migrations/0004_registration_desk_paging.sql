-- depends: 0003_registration_choices
-- The desk's paged participant list: one event's registrations of one status, newest or
-- oldest first (the unfiltered list and the "new since" count use registrations_event).
-- The search (ILIKE on name, e-mail, organisation) reads the event's rows through
-- registrations_event; a few thousand rows per event need no trigram index.
CREATE INDEX registrations_event_status ON registrations (event_id, status, created_at, registration_id);
