-- depends: 0002_registration_attendee_details
-- The ranking of the programme's parallel sessions: per choice slot (slot_id), the session
-- ids best first, as {"<slot_id>": ["<session_id>", …]}; capacity decides who sits where.
ALTER TABLE registrations
    ADD COLUMN choices jsonb NOT NULL DEFAULT '{}';
