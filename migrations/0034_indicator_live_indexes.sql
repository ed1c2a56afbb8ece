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

-- Day rollups of the running month. Even index-only, the running month counted live grows with the
-- month's volume (at 10 M cases: hundreds of thousands of closings and surveys by its end). Its ended
-- days are stored like the ended months (indicator_rollups, migration 0032), one row a day, and only the
-- last two days are counted live: a day is rolled up once it is two days old by the server's clock, and
-- changes dated into a day are logged from the day after it (so a complaint filed today logs nothing,
-- and its insert trigger does not even fire). The two days' lead covers, as the month log's one day does,
-- a transaction that dated a row before midnight and commits after it. Days of the two latest months are
-- logged; older ones are covered by the month log.
CREATE TABLE indicator_day_rollups (
    day          date PRIMARY KEY,
    definitions  text NOT NULL,
    counts       jsonb NOT NULL,
    source       pg_snapshot NOT NULL,
    cluster      bigint NOT NULL,
    computed_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE indicator_day_rollup_changes (
    day  date NOT NULL,
    xid  xid8 NOT NULL DEFAULT pg_current_xact_id(),
    PRIMARY KEY (day, xid)
);

CREATE FUNCTION indicator_day(at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE AS $$
    SELECT (at AT TIME ZONE 'Asia/Shanghai')::date
$$;

-- The first day whose changes are not logged: today (Shanghai, by the clock, not the transaction's start).
CREATE FUNCTION indicator_rollups_open_day() RETURNS date LANGUAGE sql VOLATILE AS $$
    SELECT (clock_timestamp() AT TIME ZONE 'Asia/Shanghai')::date
$$;

-- Now given days (not month starts): each is logged for its month as before, and for itself.
CREATE OR REPLACE FUNCTION indicator_rollups_touch(days date[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    open_from date := indicator_rollups_open_from();
    open_day date := indicator_rollups_open_day();
    d date;
BEGIN
    FOREACH d IN ARRAY days LOOP
        IF d < open_from THEN
            INSERT INTO indicator_rollup_changes (month) VALUES (date_trunc('month', d)::date)
            ON CONFLICT DO NOTHING;
        END IF;
        IF d < open_day AND d >= date_trunc('month', open_day)::date - 31 THEN
            INSERT INTO indicator_day_rollup_changes (day) VALUES (d) ON CONFLICT DO NOTHING;
        END IF;
    END LOOP;
END
$$;

-- Migration 0032's trigger functions with each instant's local day instead of its month (indicator_day
-- for indicator_month); the month log is unchanged, as touch truncates a day to its month.
CREATE OR REPLACE FUNCTION indicator_rollups_cases_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    days date[] := '{}';
    spam boolean;
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        IF TG_OP = 'INSERT' THEN OLD := NEW; ELSE NEW := OLD; END IF;
        PERFORM indicator_rollups_touch(ARRAY[NEW.received_on, NEW.acceptance_due,
            indicator_day(NEW.decided_at), indicator_day(NEW.closed_at)]);
        RETURN NULL;
    END IF;
    spam := (OLD.outcome IS NOT DISTINCT FROM 'spam') <> (NEW.outcome IS NOT DISTINCT FROM 'spam');
    IF spam OR OLD.received_on IS DISTINCT FROM NEW.received_on THEN
        days := days || ARRAY[OLD.received_on, NEW.received_on];
    END IF;
    IF spam OR (OLD.decided_at, OLD.rejection_ground, OLD.accepted_on, OLD.acceptance_due)
            IS DISTINCT FROM (NEW.decided_at, NEW.rejection_ground, NEW.accepted_on, NEW.acceptance_due) THEN
        days := days || ARRAY[indicator_day(OLD.decided_at), indicator_day(NEW.decided_at),
                              OLD.acceptance_due, NEW.acceptance_due];
    END IF;
    IF (OLD.status, OLD.outcome, OLD.closed_at, OLD.received_on, OLD.mediation_due, OLD.relief_fen)
            IS DISTINCT FROM (NEW.status, NEW.outcome, NEW.closed_at, NEW.received_on, NEW.mediation_due,
                              NEW.relief_fen)
       AND (OLD.closed_at IS NOT NULL OR NEW.closed_at IS NOT NULL) THEN
        days := days || ARRAY[indicator_day(OLD.closed_at), indicator_day(NEW.closed_at)];
    END IF;
    IF spam THEN  -- the case's survey is counted by the day it was sent
        days := days || ARRAY(SELECT indicator_day(created_at) FROM surveys WHERE case_id = NEW.id);
    END IF;
    IF cardinality(days) > 0 THEN
        PERFORM indicator_rollups_touch(days);
    END IF;
    RETURN NULL;
END
$$;

-- An insert dated today or later (every complaint filed today) still does not call the function, except
-- on a month's last day, when the month log covers the running month (as before).
DROP TRIGGER indicator_rollups_cases_insert ON cases;
CREATE TRIGGER indicator_rollups_cases_insert AFTER INSERT ON cases FOR EACH ROW
    WHEN (least(NEW.received_on, NEW.acceptance_due, indicator_day(NEW.decided_at), indicator_day(NEW.closed_at))
          < greatest(indicator_rollups_open_from(), indicator_rollups_open_day()))
    EXECUTE FUNCTION indicator_rollups_cases_changed();

CREATE OR REPLACE FUNCTION indicator_rollups_surveys_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN OLD := NEW; ELSIF TG_OP = 'DELETE' THEN NEW := OLD; END IF;
    PERFORM indicator_rollups_touch(ARRAY[indicator_day(OLD.created_at), indicator_day(NEW.created_at)]);
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION indicator_rollups_first_payments_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN OLD := NEW; ELSIF TG_OP = 'DELETE' THEN NEW := OLD; END IF;
    IF TG_OP = 'UPDATE' AND (OLD.case_id, OLD.state, OLD.paid_on, OLD.paid_fen)
            IS NOT DISTINCT FROM (NEW.case_id, NEW.state, NEW.paid_on, NEW.paid_fen) THEN
        RETURN NULL;
    END IF;
    PERFORM indicator_rollups_touch(ARRAY[OLD.paid_on, NEW.paid_on] || ARRAY(
        SELECT indicator_day(closed_at) FROM cases WHERE id IN (OLD.case_id, NEW.case_id)));
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION indicator_rollups_reports_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN OLD := NEW; ELSIF TG_OP = 'DELETE' THEN NEW := OLD; END IF;
    PERFORM indicator_rollups_touch(ARRAY[indicator_day(OLD.created_at), indicator_day(NEW.created_at)]);
    RETURN NULL;
END
$$;
