-- depends: 0002_notification_kinds
-- Mails for registrations the organisers cancelled, with the organisers' contact for questions.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_kind_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_kind_check CHECK (
    kind IN (
        'confirmation', 'waitlist', 'rejection', 'promotion', 'cancellation', 'event_cancelled',
        'cancelled_by_organiser'
    )
);
ALTER TABLE events ADD COLUMN organiser_contact text NOT NULL DEFAULT '';
