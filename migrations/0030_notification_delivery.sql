-- Delivery reports: a gateway that reports back (Kannel's dlr-url for the 'sms' channel) says per notice
-- whether it reached the phone. `status` stays the outbox's own state (handed over or not); `delivery` is
-- what the far side reported last, with when and its short text. `reference` is what the channel knows
-- the notice by (an e-mail's Message-ID, the gateway's answer).
ALTER TABLE notifications
    ADD COLUMN reference        text,
    ADD COLUMN delivery         text CHECK (delivery IN ('submitted', 'buffered', 'delivered', 'failed')),
    ADD COLUMN delivery_at      timestamptz,
    ADD COLUMN delivery_detail  text;
COMMENT ON COLUMN notifications.delivery IS 'the last delivery report: submitted (to the SMSC), buffered, delivered (to the phone), failed; NULL: none';
