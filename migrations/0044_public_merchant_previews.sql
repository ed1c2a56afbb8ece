-- Issue 17: a large merchant's own preview of the coming publication (the staff merchant page, the
-- merchant's link), counted by the hourly job rather than on every read. public_merchant_counts for one
-- merchant reads each of its accepted complaints of the 12-month period and probes first_payments for
-- each: ~2.5 µs a case, so a merchant with 120,000 (the largest at 10 M cases) took ~300 ms a read. The
-- job stores the figures of every merchant with at least PREVIEW_FROM complaints in the period
-- (service/usecases/public_merchants.py); a page reads the row counted today for the period it shows,
-- and counts live (as before) when there is none: a smaller merchant, a new day before the job ran, a
-- policy whose window changed. One row per merchant: the job replaces them all in one transaction.
CREATE TABLE public_merchant_previews (
    merchant_id bigint PRIMARY KEY REFERENCES merchants (id) ON DELETE CASCADE,
    period_start date NOT NULL,
    period_end date NOT NULL,
    counted_on date NOT NULL,  -- the local day "late" was judged on (deadlines before it)
    counted_at timestamptz NOT NULL,
    complaints integer NOT NULL,
    by_problem jsonb NOT NULL,
    replies_due integer NOT NULL,
    replies_on_time integer NOT NULL,
    resolved integer NOT NULL,
    first_payments integer NOT NULL,
    late integer NOT NULL
);
