-- Mediation: team queues and assignment, the mediation record (contacts, sessions, offers, the
-- settlement, recusals), terminations, closing with an outcome, escalation flags, and notifications.

CREATE TABLE queues (
    code                   text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,31}$'),
    name_zh                text NOT NULL,
    name_en                text NOT NULL,
    subdistricts           text[],          -- cases of these sub-districts come here (NULL: any)
    categories             text[],          -- and/or of these categories (NULL: any)
    max_open_per_mediator  integer NOT NULL DEFAULT 30 CHECK (max_open_per_mediator > 0),
    sort                   integer NOT NULL DEFAULT 0,
    active                 boolean NOT NULL DEFAULT true
);
INSERT INTO queues (code, name_zh, name_en, subdistricts, sort) VALUES
    ('north', '北片调解组', 'North team', ARRAY['banshan', 'kangqiao', 'shangtang', 'xiangfu', 'gongchenqiao', 'daguan'], 1),
    ('central', '中片调解组', 'Central team', ARRAY['hushu', 'mishixiang', 'xiaohe', 'hemu', 'shiqiao', 'dongxin'], 2),
    ('south', '南片调解组', 'South team', ARRAY['wulin', 'tianshui', 'changqing', 'chaoming', 'zhaohui', 'wenhui'], 3),
    ('general', '综合调解组', 'General team', NULL, 9);

CREATE TABLE queue_members (
    queue    text NOT NULL REFERENCES queues (code),
    user_id  bigint NOT NULL REFERENCES staff_users (id),
    PRIMARY KEY (queue, user_id)
);

ALTER TABLE case_consumers ADD COLUMN email text;

ALTER TABLE cases
    ADD COLUMN queue                   text REFERENCES queues (code),
    ADD COLUMN assigned_to             bigint REFERENCES staff_users (id),
    ADD COLUMN assigned_at             timestamptz,
    ADD COLUMN outcome                 text CHECK (outcome IN (
        'settled', 'paid_by_merchant', 'paid_from_deposit', 'award_for_consumer', 'award_against_consumer',
        'withdrawn', 'rejected', 'terminated', 'referred_to_enforcement', 'duplicate')),
    ADD COLUMN closed_at               timestamptz,
    ADD COLUMN relief_type             text,         -- a statutory request kind, or NULL
    ADD COLUMN relief_fen              bigint CHECK (relief_fen IS NULL OR relief_fen >= 0),
    ADD COLUMN mediation_warned_at     timestamptz,  -- "due within 5 working days" flagged to the mediator (once)
    ADD COLUMN mediation_escalated_at  timestamptz,  -- overdue, escalated to the supervisor (once)
    ADD CONSTRAINT cases_closed_has_outcome CHECK (status <> 'closed' OR outcome IS NOT NULL);
-- the claim query: the most urgent unassigned case of a queue
CREATE INDEX cases_claimable_idx ON cases (queue, mediation_due, id) WHERE status = 'mediation' AND assigned_to IS NULL;
CREATE INDEX cases_assigned_idx ON cases (assigned_to) WHERE assigned_to IS NOT NULL;

CREATE TABLE mediation_contacts (
    id        bigserial PRIMARY KEY,
    case_id   bigint NOT NULL REFERENCES cases (id),
    party     text NOT NULL CHECK (party IN ('consumer', 'merchant')),
    method    text NOT NULL CHECK (method IN ('phone', 'visit', 'message')),
    at        timestamptz NOT NULL,
    note      text,
    by_user   bigint NOT NULL REFERENCES staff_users (id)
);

CREATE TABLE mediation_sessions (
    id         bigserial PRIMARY KEY,
    case_id    bigint NOT NULL REFERENCES cases (id),
    mode       text NOT NULL CHECK (mode IN ('on_site', 'phone', 'video')),
    at         timestamptz NOT NULL,
    place      text,
    attendees  text NOT NULL,
    note       text,
    by_user    bigint NOT NULL REFERENCES staff_users (id)
);

-- Either side's proposal; an answer accepts, refuses or counters it (a counter-offer is a new row).
CREATE TABLE offers (
    id            bigserial PRIMARY KEY,
    case_id       bigint NOT NULL REFERENCES cases (id),
    parent_id     bigint REFERENCES offers (id),       -- the offer this one counters
    from_party    text NOT NULL CHECK (from_party IN ('consumer', 'merchant')),
    remedy        text NOT NULL,                        -- a statutory request kind
    amount_fen    bigint NOT NULL CHECK (amount_fen >= 0),
    answer_by     date NOT NULL,
    note          text,
    status        text NOT NULL DEFAULT 'open'
                  CHECK (status IN ('open', 'accepted', 'refused', 'countered', 'expired', 'withdrawn')),
    answered_at   timestamptz,
    answered_via  text CHECK (answered_via IN ('tracking', 'merchant_link', 'phone')),
    created_by    text NOT NULL,                        -- 'consumer', 'merchant:<id>' or 'staff:<id>'
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX offers_one_open ON offers (case_id) WHERE status = 'open';

-- 调解书: an accepted offer, with its performance tracked.
CREATE TABLE settlements (
    case_id            bigint PRIMARY KEY REFERENCES cases (id),
    offer_id           bigint NOT NULL REFERENCES offers (id),
    terms              text NOT NULL,
    remedy             text NOT NULL,
    amount_fen         bigint NOT NULL CHECK (amount_fen >= 0),
    perform_by         date NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    created_by         bigint REFERENCES staff_users (id),
    performance        text NOT NULL DEFAULT 'pending' CHECK (performance IN ('pending', 'performed', 'not_performed')),
    performance_at     timestamptz
);

CREATE TABLE recusals (
    id            bigserial PRIMARY KEY,
    case_id       bigint NOT NULL REFERENCES cases (id),
    party         text NOT NULL CHECK (party IN ('consumer', 'merchant')),
    reason        text NOT NULL,
    requested_at  timestamptz NOT NULL,
    decided_at    timestamptz,
    decision      text CHECK (decision IN ('granted', 'denied')),
    decided_by    bigint REFERENCES staff_users (id),
    new_mediator  bigint REFERENCES staff_users (id)
);
CREATE UNIQUE INDEX recusals_one_open ON recusals (case_id) WHERE decided_at IS NULL;

-- Termination (Order 121 art. 23) and its notice to both parties within the notice limit.
CREATE TABLE terminations (
    case_id         bigint PRIMARY KEY REFERENCES cases (id),
    reason          integer NOT NULL CHECK (reason BETWEEN 1 AND 8),
    note            text NOT NULL,
    terminated_on   date NOT NULL,
    notice_due      date NOT NULL,
    notice_sent_at  timestamptz,
    by_user         bigint REFERENCES staff_users (id)
);

-- Notifications go through an outbox of their own: stored first, sent by a job with retries.
CREATE TABLE notifications (
    id               bigserial PRIMARY KEY,
    case_id          bigint REFERENCES cases (id),
    recipient        text NOT NULL,        -- 'consumer', 'merchant:<id>', 'staff:<id>'
    channel          text NOT NULL CHECK (channel IN ('log', 'email')),
    address          text,                 -- the e-mail address for 'email'
    template         text NOT NULL,
    subject          text NOT NULL,
    body             text NOT NULL,
    dedupe_key       text UNIQUE,          -- the same notice is queued once
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz
);
CREATE INDEX notifications_due_idx ON notifications (next_attempt_at) WHERE status = 'pending';

CREATE TABLE notification_attempts (
    id               bigserial PRIMARY KEY,
    notification_id  bigint NOT NULL REFERENCES notifications (id),
    at               timestamptz NOT NULL DEFAULT now(),
    ok               boolean NOT NULL,
    error            text
);
