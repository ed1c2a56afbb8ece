-- Issue 17: reads that must be bounded by the open cases (or by the page), not by every case ever held.
--
-- A mediator's open cases (queues_open_count, queues_mediators_load, queues_assigned_to: the claims'
-- limit, the queues overview, the case page's reassign form, the mediator's own queue) were counted on
-- cases_assigned_idx, which also holds every closed case a mediator ever had: at 10 M cases 8 M entries
-- over 40 mediators, 24 s for the overview. This index holds the open assignments only, in the order
-- the mediator's queue lists them, so a count is an index-only range of that mediator's open cases and
-- a page a range read up to its LIMIT. Its predicate is domain/queues.py FINISHED_STATUSES written out
-- (a partial index is used only when the statement's own WHERE proves it, so the statements write the
-- same words, not a parameter); tests/unit/test_open_assignment_predicate.py fails if they drift.
--
-- Each is built inside the migration's transaction (writes to the table wait meanwhile). On a large
-- database build them first by hand, `CREATE INDEX CONCURRENTLY <same name> …`: IF NOT EXISTS then
-- skips them here.
CREATE INDEX IF NOT EXISTS cases_open_assignment_idx ON cases (assigned_to, mediation_due, id)
    WHERE assigned_to IS NOT NULL AND status <> ALL ('{closed,rejected}'::text[]);

-- queues_overview: each queue's cases in mediation (open by definition), counted from the index alone
-- instead of fetching every mediation case's row.
CREATE INDEX IF NOT EXISTS cases_mediation_queue_idx ON cases (queue)
    INCLUDE (id, assigned_to, received_at, mediation_due, paused) WHERE status = 'mediation';

-- appeals_list: the requests decided since a day, newest first (the open ones have appeals_one_open).
CREATE INDEX IF NOT EXISTS appeals_decided_idx ON appeals (decided_at DESC, requested_at, id)
    WHERE decided_at IS NOT NULL;

-- The merchant page's ledger (ledger_payouts_for_merchant): the payouts from one merchant's deposit,
-- newest first, a range read up to the page's LIMIT (first_payments had no index on payer_id: every first
-- payment was read for each merchant page).
CREATE INDEX IF NOT EXISTS first_payments_payouts_idx ON first_payments (payer_id, paid_on DESC NULLS LAST, case_id DESC)
    WHERE payout_transaction_id IS NOT NULL;

-- ledger_balances: a merchant's accounts by merchant (the unique key leads with the kind, so the query
-- read every account), and their postings summed from the index alone (same key as the plain index it
-- replaces, which every other read of postings by account used).
CREATE INDEX IF NOT EXISTS ledger_accounts_merchant_idx ON ledger_accounts (merchant_id);
CREATE INDEX IF NOT EXISTS ledger_postings_account_amount_idx ON ledger_postings (account_id) INCLUDE (amount_fen);
DROP INDEX IF EXISTS ledger_postings_account_idx;
