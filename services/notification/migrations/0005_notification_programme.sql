-- depends: 0004_notification_event_address
-- The event's programme (time slots, their parallel sessions with rooms) for the mails and
-- the calendar entry, and the mail for a change of session.
ALTER TABLE events ADD COLUMN programme jsonb NOT NULL DEFAULT '[]';
ALTER TABLE deliveries DROP CONSTRAINT deliveries_kind_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_kind_check CHECK (
    kind IN (
        'confirmation', 'waitlist', 'rejection', 'promotion', 'cancellation', 'event_cancelled',
        'cancelled_by_organiser', 'session_changed'
    )
);
