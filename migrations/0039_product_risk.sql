-- Issue 18 §4 (policy art. 19, 风险监控 / 缺陷产品召回): the product a complaint names, and product risk
-- signals raised when the same product is complained of across merchants (thresholds: the disclosure
-- policy of migration 0035).

-- The product as the consumer names it (all optional). Brand and model are not personal data; the batch
-- is a lot number or a production date as printed. product_key is brand + model normalized by
-- domain.product_risk.product_key (NFKC, case and width folded, spaces and separators dropped).
ALTER TABLE cases
    ADD COLUMN product_brand text CHECK (char_length(product_brand) <= 50),
    ADD COLUMN product_model text CHECK (char_length(product_model) <= 80),
    ADD COLUMN product_batch text CHECK (char_length(product_batch) <= 50),
    ADD COLUMN product_injury boolean NOT NULL DEFAULT false,  -- the consumer reports a physical injury
    ADD COLUMN product_key text CHECK (char_length(product_key) <= 140);
-- the sweep: accepted cases naming a product, by acceptance date
CREATE INDEX cases_product_idx ON cases (product_key, accepted_on)
    WHERE product_key IS NOT NULL AND accepted_on IS NOT NULL;

CREATE TABLE product_signals (
    id            bigserial PRIMARY KEY,
    product_key   text NOT NULL,
    brand         text NOT NULL,   -- as the first complaint wrote it (shown to people)
    model         text NOT NULL,
    category      text NOT NULL REFERENCES categories (code),  -- the most frequent among its cases
    window_start  date NOT NULL,
    window_end    date NOT NULL,
    case_ids      bigint[] NOT NULL,
    merchant_keys text[] NOT NULL,   -- the distinct merchants counted (see product_signals_candidates.sql)
    raised_at     timestamptz NOT NULL,
    decided_at    timestamptz,
    decision      text CHECK (decision IN ('spot_check', 'recall_notice', 'dismissed')),
    decision_note text,
    decided_by    bigint REFERENCES staff_users (id),
    CHECK ((decided_at IS NULL) = (decision IS NULL)),
    CHECK (decision IS DISTINCT FROM 'dismissed' OR decision_note IS NOT NULL)
);
-- one open signal per product: a new one only after the previous was decided
CREATE UNIQUE INDEX product_signals_open ON product_signals (product_key) WHERE decided_at IS NULL;
CREATE INDEX product_signals_key_idx ON product_signals (product_key, id);
CREATE INDEX product_signals_raised_idx ON product_signals (raised_at);
CREATE INDEX product_signals_decided_idx ON product_signals (decided_at) WHERE decided_at IS NOT NULL;

-- What happened to a signal, and who did it: raised, grown, and the supervisor's action. Append-only
-- like case_events (the kinds are domain.events.EventKind members).
CREATE TABLE product_signal_events (
    id         bigserial PRIMARY KEY,
    signal_id  bigint NOT NULL REFERENCES product_signals (id),
    kind       text NOT NULL,
    actor      text NOT NULL,  -- 'system' or 'staff:<id>'
    at         timestamptz NOT NULL,
    payload    jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX product_signal_events_signal_idx ON product_signal_events (signal_id, id);
CREATE TRIGGER product_signal_events_no_update BEFORE UPDATE OR DELETE ON product_signal_events
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only();
CREATE TRIGGER product_signal_events_no_truncate BEFORE TRUNCATE ON product_signal_events
    FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only();
