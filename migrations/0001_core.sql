-- Core schema: procedural rule sets, the working-day calendar, cases with their parties, evidence and
-- append-only events, enforcement referrals, the transactional outbox and idempotency keys.

CREATE TABLE rule_sets (
    id                    text PRIMARY KEY,
    name_zh               text NOT NULL,
    name_en               text NOT NULL,
    effective_from        date NOT NULL UNIQUE,
    acceptance_days       integer NOT NULL CHECK (acceptance_days > 0),
    acceptance_unit       text NOT NULL CHECK (acceptance_unit IN ('working_days', 'calendar_days')),
    mediation_days        integer NOT NULL CHECK (mediation_days > 0),
    mediation_unit        text NOT NULL CHECK (mediation_unit IN ('working_days', 'calendar_days')),
    merchant_reply_days   integer NOT NULL CHECK (merchant_reply_days > 0),
    merchant_reply_unit   text NOT NULL CHECK (merchant_reply_unit IN ('working_days', 'calendar_days')),
    termination_notice_days integer NOT NULL CHECK (termination_notice_days > 0),
    termination_notice_unit text NOT NULL CHECK (termination_notice_unit IN ('working_days', 'calendar_days'))
);

INSERT INTO rule_sets VALUES
    ('order20', '市场监督管理投诉举报处理暂行办法（总局令第20号）',
     'SAMR Interim Measures on Complaints and Reports (Order 20)', DATE '2020-01-01',
     7, 'working_days', 45, 'working_days', 5, 'calendar_days', 7, 'working_days'),
    ('order121', '市场监督管理投诉举报处理办法（总局令第121号）',
     'SAMR Measures on Complaints and Reports (Order 121)', DATE '2026-04-15',
     7, 'working_days', 60, 'calendar_days', 5, 'calendar_days', 7, 'working_days');

-- The calendar table is the truth at run time; chinesecalendar only seeds it (see the migration runner).
CREATE TABLE calendar_years (
    year       integer PRIMARY KEY,
    source     text NOT NULL,
    loaded_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE calendar_days (
    day           date PRIMARY KEY,
    is_workday    boolean NOT NULL,
    holiday_name  text
);

CREATE TABLE quality_domains (
    code      text PRIMARY KEY,
    label_zh  text NOT NULL,
    label_en  text NOT NULL,
    sort      integer NOT NULL DEFAULT 0
);

CREATE TABLE categories (
    code      text PRIMARY KEY,
    kind      text NOT NULL CHECK (kind IN ('goods', 'services')),
    label_zh  text NOT NULL,
    label_en  text NOT NULL,
    sort      integer NOT NULL DEFAULT 0,
    active    boolean NOT NULL DEFAULT true
);

CREATE TABLE problem_types (
    code      text PRIMARY KEY,
    label_zh  text NOT NULL,
    label_en  text NOT NULL,
    sort      integer NOT NULL DEFAULT 0
);

CREATE TABLE subdistricts (
    code      text PRIMARY KEY,
    label_zh  text NOT NULL,
    label_en  text NOT NULL,
    sort      integer NOT NULL DEFAULT 0,
    active    boolean NOT NULL DEFAULT true
);

-- One row a local day; the tracking number's sequence restarts each day.
CREATE TABLE tracking_counters (
    day         date PRIMARY KEY,
    last_value  integer NOT NULL
);

CREATE TABLE cases (
    id                          bigserial PRIMARY KEY,
    tracking_no                 text NOT NULL UNIQUE,
    access_code_hash            bytea NOT NULL,
    status                      text NOT NULL DEFAULT 'received',
    channel                     text NOT NULL CHECK (channel IN ('web', 'phone', 'letter', 'counter', 'transfer')),
    received_at                 timestamptz NOT NULL,
    received_on                 date NOT NULL,           -- the local (Asia/Shanghai) date the law counts from
    rule_set_id                 text NOT NULL REFERENCES rule_sets (id),
    acceptance_due              date NOT NULL,
    acceptance_due_provisional  boolean NOT NULL,
    quality_domain              text NOT NULL REFERENCES quality_domains (code),
    category                    text NOT NULL REFERENCES categories (code),
    problem_type                text NOT NULL REFERENCES problem_types (code),
    subdistrict                 text REFERENCES subdistricts (code),
    merchant_name               text NOT NULL,
    merchant_address            text NOT NULL,
    merchant_uscc               text,
    merchant_phone              text,
    platform_name               text,
    platform_uscc               text,
    purchase_date               date NOT NULL,
    amount_paid_fen             bigint NOT NULL CHECK (amount_paid_fen >= 0),
    claim_amount_fen            bigint NOT NULL CHECK (claim_amount_fen >= 0),
    requests                    text[] NOT NULL CHECK (cardinality(requests) > 0),
    description                 text NOT NULL,
    consent_mediation           boolean NOT NULL DEFAULT false,
    consent_entrusted           boolean NOT NULL DEFAULT false,
    consent_publish             boolean NOT NULL DEFAULT false,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_status_due_idx ON cases (status, acceptance_due);
CREATE INDEX cases_received_on_idx ON cases (received_on);

-- Personal data sits apart from the case so that statistics can never select it by accident.
CREATE TABLE case_consumers (
    case_id    bigint PRIMARY KEY REFERENCES cases (id),
    name       text NOT NULL,
    phone      text NOT NULL,
    address    text NOT NULL,
    id_number  text
);
CREATE INDEX case_consumers_phone_idx ON case_consumers (phone);

CREATE TABLE case_events (
    id           bigserial PRIMARY KEY,
    case_id      bigint NOT NULL REFERENCES cases (id),
    kind         text NOT NULL,
    actor        text NOT NULL,            -- 'consumer', 'system', or 'staff:<id>'
    at           timestamptz NOT NULL DEFAULT now(),
    payload      jsonb NOT NULL DEFAULT '{}',
    rule_set_id  text REFERENCES rule_sets (id),
    request_id   text
);
CREATE INDEX case_events_case_idx ON case_events (case_id, id);

CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER case_events_no_update BEFORE UPDATE OR DELETE ON case_events
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only();
CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events
    FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only();

-- Files live outside the database, addressed by their SHA-256.
CREATE TABLE evidence (
    id             bigserial PRIMARY KEY,
    case_id        bigint NOT NULL REFERENCES cases (id),
    sha256         text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size_bytes     integer NOT NULL CHECK (size_bytes > 0),
    content_type   text NOT NULL,
    original_name  text NOT NULL,
    uploaded_at    timestamptz NOT NULL DEFAULT now(),
    uploaded_by    text NOT NULL,
    UNIQUE (case_id, sha256)
);

-- A suspected violation reported with a complaint is split off for enforcement (诉转案 candidates).
CREATE TABLE enforcement_referrals (
    id           bigserial PRIMARY KEY,
    case_id      bigint NOT NULL REFERENCES cases (id),
    description  text NOT NULL,
    status       text NOT NULL DEFAULT 'candidate',
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX enforcement_referrals_case_idx ON enforcement_referrals (case_id);

-- Transactional outbox: written with the data, relayed to arq with the job_key as its job id.
CREATE TABLE outbox (
    id           bigserial PRIMARY KEY,
    job          text NOT NULL,
    job_key      text NOT NULL UNIQUE,
    args         jsonb NOT NULL DEFAULT '{}',
    request_id   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    enqueued_at  timestamptz,
    done_at      timestamptz,
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text
);
CREATE INDEX outbox_unfinished_idx ON outbox (id) WHERE done_at IS NULL;

CREATE TABLE idempotency_keys (
    scope        text NOT NULL,
    key          text NOT NULL,
    body_hash    bytea NOT NULL,
    status_code  integer NOT NULL,
    response     jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
