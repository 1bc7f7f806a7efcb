-- depends: 0005_notification_programme
-- Mails to the applicants for a stand at the Markt der guten Ideen: a ledger row per change
-- of an application (application_id, revision), keyed like a decision by an id derived
-- from both; such a row has no registration. And the mail to a stand's staff member whose
-- registration ended with the stand (stand_released).
ALTER TABLE deliveries ALTER COLUMN registration_id DROP NOT NULL;
ALTER TABLE deliveries ADD COLUMN application_id uuid;
ALTER TABLE deliveries ADD COLUMN revision integer;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_subject_check CHECK (
    (registration_id IS NOT NULL AND application_id IS NULL AND revision IS NULL)
    OR (registration_id IS NULL AND application_id IS NOT NULL AND revision IS NOT NULL)
);
CREATE UNIQUE INDEX deliveries_application_revision_idx ON deliveries (application_id, revision)
    WHERE application_id IS NOT NULL;
ALTER TABLE deliveries DROP CONSTRAINT deliveries_kind_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_kind_check CHECK (
    kind IN (
        'confirmation', 'waitlist', 'rejection', 'promotion', 'cancellation', 'event_cancelled',
        'cancelled_by_organiser', 'session_changed', 'stand_application_received',
        'stand_application_accepted', 'stand_application_waitlisted',
        'stand_application_declined', 'stand_application_withdrawn', 'stand_released'
    )
);
