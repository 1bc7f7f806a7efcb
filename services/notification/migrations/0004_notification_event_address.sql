-- depends: 0003_notification_organiser_cancellation
-- The venue's street address, for the mails and the calendar entry (LOCATION).
ALTER TABLE events ADD COLUMN address text NOT NULL DEFAULT '';
