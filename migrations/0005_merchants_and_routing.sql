-- Merchants and their commitments, arbitration agreements, the deposit ledger, routing under
-- article 17, the first-payment flow, merchant links, arbitration referrals and cluster alerts.

CREATE TABLE merchants (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL CHECK (length(name) BETWEEN 2 AND 100),
    uscc            text UNIQUE CHECK (uscc IS NULL OR uscc ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
    address         text NOT NULL,
    subdistrict     text REFERENCES subdistricts (code),
    kind            text NOT NULL DEFAULT 'shop'
                    CHECK (kind IN ('shop', 'platform', 'market', 'exhibition', 'counter_lessor')),
    parent_id       bigint REFERENCES merchants (id),   -- the platform or market it sells through
    contact_name    text,
    contact_phone   text,
    contact_email   text,
    verified        boolean NOT NULL DEFAULT true,      -- false: created from a complaint, not yet checked
    ends_on         date,                               -- an exhibition's last day, a counter lease's expiry
    topup_overdue_since timestamptz,                    -- set when a deposit top-up deadline is missed
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX merchants_name_idx ON merchants (name);

-- 先行赔付承诺: which requests and categories it covers, up to a cap per claim, for a period.
CREATE TABLE commitments (
    id                  bigserial PRIMARY KEY,
    merchant_id         bigint NOT NULL REFERENCES merchants (id),
    scope_requests      text[] NOT NULL CHECK (cardinality(scope_requests) > 0),
    scope_categories    text[],                          -- NULL: every category
    per_claim_cap_fen   bigint NOT NULL CHECK (per_claim_cap_fen > 0),
    active_from         date NOT NULL,
    active_until        date CHECK (active_until IS NULL OR active_until >= active_from),
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX commitments_merchant_idx ON commitments (merchant_id);

-- Arbitration agreements: a merchant's published clause, or one signed (or implied) for one case.
CREATE TABLE arbitration_agreements (
    id           bigserial PRIMARY KEY,
    merchant_id  bigint REFERENCES merchants (id),
    case_id      bigint REFERENCES cases (id),
    kind         text NOT NULL CHECK (kind IN ('published', 'written', 'implied')),
    institution  text NOT NULL,
    signed_on    date,
    note         text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (merchant_id IS NOT NULL OR case_id IS NOT NULL),
    CHECK (kind = 'published' OR case_id IS NOT NULL)
);

-- Routing policy: thresholds, windows and defaults, versioned by date like the rule sets.
CREATE TABLE routing_policies (
    id                        text PRIMARY KEY,
    effective_from            date NOT NULL UNIQUE,
    merchant_reply_days       integer NOT NULL DEFAULT 5,   -- calendar days (Zhejiang measures art. 31)
    topup_working_days        integer NOT NULL DEFAULT 5,
    cluster_threshold         integer NOT NULL DEFAULT 5,
    cluster_window_days       integer NOT NULL DEFAULT 90,
    food_drug_categories      text[] NOT NULL DEFAULT ARRAY['food', 'medicine_medical']
);
INSERT INTO routing_policies (id, effective_from) VALUES ('policy2026', DATE '2020-01-01');

-- Double-entry ledger: balances are sums of postings; every transaction sums to zero (checked at
-- commit); postings are never changed; a deposit account never goes below zero.
CREATE TABLE ledger_accounts (
    id           bigserial PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('deposit', 'held', 'paid_out', 'funding')),
    merchant_id  bigint REFERENCES merchants (id),
    UNIQUE NULLS NOT DISTINCT (kind, merchant_id)
);

CREATE TABLE ledger_transactions (
    id           bigserial PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('top_up', 'hold', 'release', 'payout', 'recovery')),
    merchant_id  bigint NOT NULL REFERENCES merchants (id),
    case_id      bigint REFERENCES cases (id),
    memo         text,
    actor        text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ledger_postings (
    id              bigserial PRIMARY KEY,
    transaction_id  bigint NOT NULL REFERENCES ledger_transactions (id),
    account_id      bigint NOT NULL REFERENCES ledger_accounts (id),
    amount_fen      bigint NOT NULL CHECK (amount_fen <> 0)
);
CREATE INDEX ledger_postings_account_idx ON ledger_postings (account_id);
CREATE INDEX ledger_postings_transaction_idx ON ledger_postings (transaction_id);

CREATE FUNCTION ledger_transaction_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    total bigint;
BEGIN
    SELECT sum(amount_fen) INTO total FROM ledger_postings WHERE transaction_id = NEW.transaction_id;
    IF total <> 0 THEN
        RAISE EXCEPTION 'ledger transaction % does not balance (sum %)', NEW.transaction_id, total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER ledger_balanced AFTER INSERT ON ledger_postings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_transaction_balanced();

CREATE FUNCTION ledger_no_overdraft() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    balance bigint;
BEGIN
    IF (SELECT kind FROM ledger_accounts WHERE id = NEW.account_id) IN ('deposit', 'held') THEN
        SELECT coalesce(sum(amount_fen), 0) INTO balance FROM ledger_postings WHERE account_id = NEW.account_id;
        IF balance < 0 THEN
            RAISE EXCEPTION 'ledger account % would be overdrawn (balance %)', NEW.account_id, balance
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER ledger_no_overdraft AFTER INSERT ON ledger_postings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_no_overdraft();

CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER ledger_postings_append_only BEFORE UPDATE OR DELETE ON ledger_postings
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();

-- Routing on the case: which route, why (the rules that fired and the facts they read), and the
-- registry merchant the complaint is against.
ALTER TABLE cases
    ADD COLUMN merchant_id        bigint REFERENCES merchants (id),
    ADD COLUMN route              text CHECK (route IN ('first_payment', 'mediation', 'arbitration')),
    ADD COLUMN route_explanation  jsonb;
CREATE INDEX cases_merchant_idx ON cases (merchant_id, category, decided_at);

-- The first-payment flow of one case.
CREATE TABLE first_payments (
    case_id             bigint PRIMARY KEY REFERENCES cases (id),
    payer_id            bigint NOT NULL REFERENCES merchants (id),   -- whose deposit or commitment
    amount_fen          bigint NOT NULL CHECK (amount_fen > 0),
    state               text NOT NULL DEFAULT 'notified' CHECK (state IN (
                            'notified', 'paid_by_merchant', 'refused', 'deadline_missed',
                            'paid_from_deposit', 'cancelled')),
    reply_due           date NOT NULL,
    merchant_note       text,
    proof_evidence_id   bigint REFERENCES evidence (id),
    payout_transaction_id bigint REFERENCES ledger_transactions (id),
    recourse_opened_at  timestamptz,
    topup_due           date,
    topup_done_at       timestamptz,
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- Merchant links: long random tokens, stored hashed, scoped to one merchant (and one case).
CREATE TABLE merchant_tokens (
    token_hash   bytea PRIMARY KEY,
    merchant_id  bigint NOT NULL REFERENCES merchants (id),
    case_id      bigint REFERENCES cases (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);

CREATE TABLE arbitration_referrals (
    case_id          bigint PRIMARY KEY REFERENCES cases (id),
    agreement_id     bigint NOT NULL REFERENCES arbitration_agreements (id),
    institution      text NOT NULL,
    referred_on      date NOT NULL,
    award_on         date,
    award_for        text CHECK (award_for IN ('consumer', 'merchant', 'partial')),
    award_amount_fen bigint CHECK (award_amount_fen >= 0)
);

-- Product testing inside any route (the clock pause itself is a case_pauses row with reason 'testing').
CREATE TABLE product_tests (
    id                  bigserial PRIMARY KEY,
    case_id             bigint NOT NULL REFERENCES cases (id),
    lab                 text NOT NULL,
    fee_fen             bigint NOT NULL CHECK (fee_fen >= 0),
    fee_advanced_by     text NOT NULL DEFAULT 'merchant' CHECK (fee_advanced_by IN ('merchant', 'consumer')),
    consumer_guarantee_fen bigint NOT NULL DEFAULT 0 CHECK (consumer_guarantee_fen >= 0),
    started_on          date NOT NULL,
    report_evidence_id  bigint REFERENCES evidence (id),
    finding             text,
    at_fault            text CHECK (at_fault IN ('merchant', 'consumer', 'none')),
    finished_on         date
);

-- A cluster of accepted complaints against one merchant and category: raised once per cluster.
CREATE TABLE cluster_alerts (
    id            bigserial PRIMARY KEY,
    merchant_id   bigint NOT NULL REFERENCES merchants (id),
    category      text NOT NULL REFERENCES categories (code),
    window_start  date NOT NULL,
    window_end    date NOT NULL,
    case_ids      bigint[] NOT NULL,
    raised_at     timestamptz NOT NULL DEFAULT now(),
    decided_at    timestamptz,
    decision      text CHECK (decision IN ('joint_complaint', 'enforcement_referral', 'public_interest_litigation', 'no_action')),
    decision_note text
);
-- one open alert per merchant and category: a new one only after the previous was decided
CREATE UNIQUE INDEX cluster_alerts_open ON cluster_alerts (merchant_id, category) WHERE decided_at IS NULL;
