-- Issue 18 §1 (policy art. 20, 消费评议): merchants' records in public. The thresholds are the disclosure
-- policy's (0035); this adds the merchants' public replies, the entries staff withhold, the monthly
-- publications (frozen per period, like the return), and the index the publication reads.

-- The merchant's right of reply: each write is a new version (an edit replaces the one shown, the old one
-- stays as the record); the latest version is shown beside its figures.
CREATE TABLE public_merchant_replies (
    merchant_id  bigint NOT NULL REFERENCES merchants(id),
    version      integer NOT NULL CHECK (version >= 1),
    body         text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 500),
    written_at   timestamptz NOT NULL,
    PRIMARY KEY (merchant_id, version)
);

-- A merchant's entry kept off the public page and API, with the reason; lifting deletes the row. Both are
-- office events (service/usecases/public_merchants.py), so neither is silent.
CREATE TABLE public_merchant_withholdings (
    merchant_id  bigint PRIMARY KEY REFERENCES merchants(id),
    reason       text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
    withheld_by  text NOT NULL,
    withheld_at  timestamptz NOT NULL
);

-- One publication per period (the 12 months ending with an ended month, Asia/Shanghai), computed once by
-- one aggregate over the period's acceptances and then read as it is: the figures of a month are
-- published figures, as the monthly return is. The threshold and window are the policy's at the time.
CREATE TABLE public_merchant_publications (
    period_end     date PRIMARY KEY CHECK (period_end = (date_trunc('month', period_end) + interval '1 month - 1 day')::date),
    period_start   date NOT NULL CHECK (period_start <= period_end),
    threshold      integer NOT NULL CHECK (threshold >= 1),
    computed_at    timestamptz NOT NULL
);

-- Every merchant with at least one accepted complaint in the period (those under the threshold are kept
-- for the clean-record list, never shown with figures).
CREATE TABLE public_merchant_figures (
    period_end       date NOT NULL REFERENCES public_merchant_publications(period_end),
    merchant_id      bigint NOT NULL REFERENCES merchants(id),
    complaints       integer NOT NULL CHECK (complaints >= 1),
    by_problem       jsonb NOT NULL,  -- problem type code -> accepted complaints
    replies_due      integer NOT NULL,
    replies_on_time  integer NOT NULL,
    resolved         integer NOT NULL,
    first_payments   integer NOT NULL,
    late             integer NOT NULL,  -- still open past, or closed after, the handling deadline
    PRIMARY KEY (period_end, merchant_id)
);
CREATE INDEX public_merchant_figures_rank_idx ON public_merchant_figures (period_end, complaints DESC, merchant_id);

-- The publication and the open data's naming (named_merchant_ids) read the period's acceptances: one
-- index-only range of accepted_on with the columns they count. On a large database build it first by
-- hand, `CREATE INDEX CONCURRENTLY <same name> …`: IF NOT EXISTS then skips it here.
CREATE INDEX IF NOT EXISTS cases_public_merchants_idx ON cases (accepted_on)
    INCLUDE (merchant_id, problem_type, outcome, status, closed_at, mediation_due, paused, id)
    WHERE accepted_on IS NOT NULL AND merchant_id IS NOT NULL;
