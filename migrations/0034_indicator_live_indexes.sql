-- Issue 17: the running month's indicators are counted live (service/usecases/indicator_rollups.py), by the
-- date ranges of service/store/sql/stats_*.sql. Each range had a plain index on its date column, so every
-- row in the range was then fetched from the heap: rows of one month are laid out by arrival, not by the
-- day they were decided, closed or surveyed, so each fetch was another page (on a 1 M-case bench the
-- running month's closings read 42,863 heap pages for 42,745 rows). Each index below carries the columns
-- its query reads, so the month is an index-only range (closings: ~1,000 index pages instead), and
-- replaces the plain index on the same column (same key, same predicate: it serves every other query the
-- plain one did).
--
-- Each is built inside the migration's transaction (writes to the table wait meanwhile: at 1 M cases
-- 1–17 s each on a busy 2-core machine). On a large database build them first by hand,
-- `CREATE INDEX CONCURRENTLY <same name> …`: IF NOT EXISTS then skips them here.

-- stats_decided.sql: decisions by decided_at.
CREATE INDEX IF NOT EXISTS cases_decided_stats_idx ON cases (decided_at)
    INCLUDE (acceptance_due, rejection_ground, accepted_on, outcome) WHERE decided_at IS NOT NULL;
DROP INDEX IF EXISTS cases_decided_at_idx;

-- stats_closed.sql: closings by closed_at; id probes the case's paid first payment (below).
CREATE INDEX IF NOT EXISTS cases_closed_stats_idx ON cases (closed_at)
    INCLUDE (status, outcome, received_on, mediation_due, relief_fen, id);
DROP INDEX IF EXISTS cases_closed_at_idx;

-- stats_acceptance_due.sql: acceptance deadlines, decided or not.
CREATE INDEX IF NOT EXISTS cases_acceptance_due_stats_idx ON cases (acceptance_due) INCLUDE (decided_at, outcome);
DROP INDEX IF EXISTS cases_acceptance_due_idx;

-- stats_received.sql (and every other read by received_on).
CREATE INDEX IF NOT EXISTS cases_received_on_stats_idx ON cases (received_on) INCLUDE (outcome);
DROP INDEX IF EXISTS cases_received_on_idx;

-- stats_surveys.sql: surveys by the day sent; case_id for the anti-join on spam cases.
CREATE INDEX IF NOT EXISTS surveys_created_stats_idx ON surveys (created_at) INCLUDE (case_id, score, answered_at);
DROP INDEX IF EXISTS surveys_created_idx;

-- stats_closed.sql: the amount paid first for a closed case with relief, probed by case (index only),
-- instead of a hash join over every paid first payment ever made.
CREATE INDEX IF NOT EXISTS first_payments_paid_case_idx ON first_payments (case_id) INCLUDE (paid_fen)
    WHERE state IN ('paid_by_merchant', 'paid_from_deposit');
