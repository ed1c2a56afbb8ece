-- Notification channels are a lookup, not a CHECK: each channel the code declares
-- (service/adapters/channels/) has a row here, written by `disputes migrate` after the SQL files, so adding
-- a channel needs no migration. The existing two are seeded here so that every notice already stored stays
-- valid under the foreign key.
CREATE TABLE notification_channels (
    name           text PRIMARY KEY,
    label          text NOT NULL,             -- as staff read it on the case page
    contact_field  text,                      -- the recipient's contact it sends to ('email', 'phone'); NULL: none
    max_chars      integer CHECK (max_chars > 0)  -- the longest body it carries; NULL: no limit
);
INSERT INTO notification_channels (name, label, contact_field, max_chars) VALUES
    ('log', '系统留存', NULL, NULL),
    ('email', '电子邮件', 'email', NULL);

ALTER TABLE notifications DROP CONSTRAINT notifications_channel_check;
ALTER TABLE notifications
    ADD CONSTRAINT notifications_channel_fkey FOREIGN KEY (channel) REFERENCES notification_channels (name);
COMMENT ON COLUMN notifications.address IS 'the recipient''s contact for the channel (its contact_field); NULL when it needs none';
