-- depends: 0001_notification_init
-- Mails for promotions from the waiting list, cancellations and cancelled events.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_kind_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_kind_check CHECK (
    kind IN (
        'confirmation', 'waitlist', 'rejection', 'promotion', 'cancellation', 'event_cancelled'
    )
);
