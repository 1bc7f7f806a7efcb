-- depends: 0004_registration_desk_paging
-- Applications for a stand at the Markt der guten Ideen: personal data (the contact person)
-- lives here, beside the registrations, and nowhere else.  The history holds every state
-- an application reached, with the organisers' note to the applicant.
CREATE TABLE stand_applications (
    application_id     uuid PRIMARY KEY,
    event_id           uuid        NOT NULL,
    project_title      text        NOT NULL,
    organisation       text        NOT NULL,
    description        text        NOT NULL,
    contact_name       text        NOT NULL,
    email              text        NOT NULL,
    staff              integer     NOT NULL CHECK (staff BETWEEN 1 AND 10),
    needs              text[]      NOT NULL DEFAULT '{}',
    needs_other        text        NOT NULL DEFAULT '',
    publish_consent_at timestamptz,
    privacy_consent_at timestamptz NOT NULL,
    locale             text        NOT NULL DEFAULT 'de',
    idempotency_key    text        NOT NULL UNIQUE,
    received_at        timestamptz NOT NULL,
    state              text        NOT NULL DEFAULT 'received'
        CHECK (state IN ('received', 'accepted', 'waitlisted', 'declined', 'withdrawn')),
    revision           integer     NOT NULL DEFAULT 1
);
CREATE INDEX stand_applications_event ON stand_applications (event_id, received_at, application_id);

CREATE TABLE stand_application_history (
    application_id uuid        NOT NULL REFERENCES stand_applications ON DELETE CASCADE,
    revision       integer     NOT NULL,
    state          text        NOT NULL,
    at             timestamptz NOT NULL,
    note           text        NOT NULL DEFAULT '',
    PRIMARY KEY (application_id, revision)
);

-- A stand's staff member registers through their personal link: the day seat comes from
-- the stand's contingent (one registration per link: its idempotency key names the link).
ALTER TABLE registrations ADD COLUMN stand_application_id uuid;
