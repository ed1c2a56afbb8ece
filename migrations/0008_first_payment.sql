-- A complaint bought on a platform that cannot name the real seller (CPL art. 44): staff mark it.
ALTER TABLE cases ADD COLUMN seller_unidentified boolean NOT NULL DEFAULT false;

-- Deadline flags raised once each by the worker.
ALTER TABLE first_payments
    ADD COLUMN reply_overdue_at  timestamptz,
    ADD COLUMN topup_overdue_at  timestamptz,
    ADD COLUMN paid_fen          bigint CHECK (paid_fen IS NULL OR paid_fen > 0),
    ADD COLUMN paid_on           date;
CREATE INDEX first_payments_open_idx ON first_payments (reply_due) WHERE state = 'notified';
