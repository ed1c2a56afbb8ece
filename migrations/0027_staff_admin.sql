-- Administrator pages (issue 15): a password reset leaves a one-time password that must be replaced at
-- the next sign-in, and each successful sign-in is kept for the account's history.
ALTER TABLE staff_users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;

CREATE TABLE staff_sign_ins (
    id       bigserial PRIMARY KEY,
    user_id  bigint NOT NULL REFERENCES staff_users (id),
    at       timestamptz NOT NULL,
    kind     text NOT NULL CHECK (kind IN ('cookie', 'bearer'))
);
CREATE INDEX staff_sign_ins_user_idx ON staff_sign_ins (user_id, at DESC);
