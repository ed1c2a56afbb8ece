-- Mediation at work: who answered an offer and what they said, how a settlement's performance was
-- recorded, who decided a recusal, who sent a termination notice, and the indexes the case page and
-- the 15-minute job read by.
--
-- A reopened case (Action.REOPEN) may be mediated again: its earlier settlement or termination stays on
-- record, marked superseded, and the case may get a new one. So both tables get their own id and keep
-- one current row per case.

ALTER TABLE offers
    ADD COLUMN answered_by  text,           -- 'consumer', 'merchant:<id>' or 'staff:<id>' (a phone answer)
    ADD COLUMN answer_note  text;
CREATE INDEX offers_case_idx ON offers (case_id, id);
CREATE INDEX offers_open_due_idx ON offers (answer_by) WHERE status = 'open';

CREATE INDEX mediation_contacts_case_idx ON mediation_contacts (case_id, at);
CREATE INDEX mediation_sessions_case_idx ON mediation_sessions (case_id, at);

ALTER TABLE recusals
    ADD COLUMN requested_by       bigint REFERENCES staff_users (id),
    ADD COLUMN previous_mediator  bigint REFERENCES staff_users (id),
    ADD COLUMN decision_note      text;
CREATE INDEX recusals_case_idx ON recusals (case_id, id);

ALTER TABLE settlements DROP CONSTRAINT settlements_pkey;
ALTER TABLE settlements
    ADD COLUMN id                bigserial PRIMARY KEY,
    ADD COLUMN superseded_at     timestamptz,      -- the case was reopened after this settlement
    ADD COLUMN performance_note  text,
    ADD COLUMN performance_by    text;             -- 'staff:<id>', or 'system' when the deadline passed
CREATE UNIQUE INDEX settlements_current ON settlements (case_id) WHERE superseded_at IS NULL;
CREATE INDEX settlements_case_idx ON settlements (case_id, id);
CREATE INDEX settlements_pending_idx ON settlements (perform_by)
    WHERE performance = 'pending' AND superseded_at IS NULL;

ALTER TABLE terminations DROP CONSTRAINT terminations_pkey;
ALTER TABLE terminations
    ADD COLUMN id              bigserial PRIMARY KEY,
    ADD COLUMN superseded_at   timestamptz,
    ADD COLUMN notice_sent_by  bigint REFERENCES staff_users (id);
CREATE UNIQUE INDEX terminations_current ON terminations (case_id) WHERE superseded_at IS NULL;
CREATE INDEX terminations_case_idx ON terminations (case_id, id);
