-- Issue 17: the indicators read from rollups (service/usecases/indicator_rollups.py): ended months from
-- per-month rollups, the running month from per-day rollups of its ended days plus its last two days
-- counted live on covering indexes.
--
-- A rollup holds one month's (or day's) aggregates (domain.indicators.MonthCounts as JSON), the
-- definitions' version they were counted under, and `source`: the snapshot they were read in (the
-- watermark). Every write that can change an ended month's figures — a back-dated complaint, a late
-- decision, a reopening, a survey answered, a first payment, an award, a report, a spam mark — logs that
-- month in indicator_rollup_changes (and its day in indicator_day_rollup_changes) with its transaction id,
-- by the triggers below, whichever code path made it. A rollup is fresh while no logged change of its
-- month (day) is invisible to its snapshot; a stale or missing one is counted live and written back. The
-- logs only take inserts (never a lock another writer waits for); a write-back prunes the changes its
-- snapshot saw.
--
-- A rollup restored into another cluster (pg_restore on a new server: other transaction ids) is ignored
-- and replaced: `cluster` is the system identifier its snapshot belongs to (a standby shares its primary's).
-- Backups do not carry these tables' rows (service/adapters/backup.py: derived data).
--
-- "Ended" for the month log: months before the one of (now + 1 day), Shanghai time. The day of lead covers
-- a transaction that starts before a month ends and commits after it, and a clock a little ahead.
-- For the day log: a day is rolled up once it is two days old by the server's clock, and changes dated
-- into a day are logged from the day after it (so a complaint filed today logs nothing, and its insert
-- trigger does not even fire); days of the two latest months are logged, older ones are covered by the
-- month log.

CREATE TABLE indicator_rollups (
    month        date PRIMARY KEY CHECK (month = date_trunc('month', month)::date),
    definitions  text NOT NULL,
    counts       jsonb NOT NULL,
    source       pg_snapshot NOT NULL,
    cluster      bigint NOT NULL,  -- the server's system identifier: a snapshot means nothing on another
    computed_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE indicator_rollup_changes (
    month  date NOT NULL,
    xid    xid8 NOT NULL DEFAULT pg_current_xact_id(),
    PRIMARY KEY (month, xid)
);

-- Day rollups of the running month. Even index-only, the running month counted live grows with the
-- month's volume (at 10 M cases: hundreds of thousands of closings and surveys by its end).
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

CREATE FUNCTION indicator_month(at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE AS $$
    SELECT date_trunc('month', at AT TIME ZONE 'Asia/Shanghai')::date
$$;

CREATE FUNCTION indicator_day(at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE AS $$
    SELECT (at AT TIME ZONE 'Asia/Shanghai')::date
$$;

-- The first month whose changes are not logged (see above).
CREATE FUNCTION indicator_rollups_open_from() RETURNS date LANGUAGE sql VOLATILE AS $$
    SELECT date_trunc('month', (clock_timestamp() + interval '1 day') AT TIME ZONE 'Asia/Shanghai')::date
$$;

-- The first day whose changes are not logged: today (Shanghai, by the clock, not the transaction's start).
CREATE FUNCTION indicator_rollups_open_day() RETURNS date LANGUAGE sql VOLATILE AS $$
    SELECT (clock_timestamp() AT TIME ZONE 'Asia/Shanghai')::date
$$;

-- Each day is logged for its month (once the month has ended) and for itself (an ended day of the two
-- latest months). plpgsql, not sql: its plans are kept; a sql function's INSERT was planned anew on every
-- row (3x an update).
CREATE FUNCTION indicator_rollups_touch(days date[]) RETURNS void LANGUAGE plpgsql AS $$
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

-- Cases: each family of figures by the columns it reads (service/store/sql/stats_*.sql), so that a decision
-- made today on last month's complaint marks last month only when a figure of last month can change.
CREATE FUNCTION indicator_rollups_cases_changed() RETURNS trigger LANGUAGE plpgsql AS $$
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

-- An insert dated today or later (every complaint filed today) does not even call the function, except on
-- a month's last day, when the month log covers the running month.
CREATE TRIGGER indicator_rollups_cases_insert AFTER INSERT ON cases FOR EACH ROW
    WHEN (least(NEW.received_on, NEW.acceptance_due, indicator_day(NEW.decided_at), indicator_day(NEW.closed_at))
          < greatest(indicator_rollups_open_from(), indicator_rollups_open_day()))
    EXECUTE FUNCTION indicator_rollups_cases_changed();
CREATE TRIGGER indicator_rollups_cases AFTER DELETE OR UPDATE OF
    received_on, decided_at, rejection_ground, accepted_on, acceptance_due, status, outcome, closed_at,
    mediation_due, relief_fen
    ON cases FOR EACH ROW EXECUTE FUNCTION indicator_rollups_cases_changed();

-- Surveys by the day sent and reports by the day made (both their created_at); first payments by the day
-- paid, and the closing day of their case (relief beyond first payments); arbitration by referral and
-- award dates. Each with the row as it was and as it is (an insert: NEW twice; a delete: OLD twice).
CREATE FUNCTION indicator_rollups_created_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN OLD := NEW; ELSIF TG_OP = 'DELETE' THEN NEW := OLD; END IF;
    PERFORM indicator_rollups_touch(ARRAY[indicator_day(OLD.created_at), indicator_day(NEW.created_at)]);
    RETURN NULL;
END
$$;

CREATE TRIGGER indicator_rollups_surveys AFTER INSERT OR DELETE OR UPDATE OF created_at, score, answered_at, case_id
    ON surveys FOR EACH ROW EXECUTE FUNCTION indicator_rollups_created_changed();
CREATE TRIGGER indicator_rollups_reports AFTER INSERT OR DELETE OR UPDATE OF created_at
    ON enforcement_referrals FOR EACH ROW EXECUTE FUNCTION indicator_rollups_created_changed();

CREATE FUNCTION indicator_rollups_first_payments_changed() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER indicator_rollups_first_payments AFTER INSERT OR DELETE OR UPDATE OF case_id, state, paid_on, paid_fen
    ON first_payments FOR EACH ROW EXECUTE FUNCTION indicator_rollups_first_payments_changed();

CREATE FUNCTION indicator_rollups_arbitration_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN OLD := NEW; ELSIF TG_OP = 'DELETE' THEN NEW := OLD; END IF;
    PERFORM indicator_rollups_touch(ARRAY[OLD.referred_on, NEW.referred_on, OLD.award_on, NEW.award_on]);
    RETURN NULL;
END
$$;

CREATE TRIGGER indicator_rollups_arbitration AFTER INSERT OR DELETE OR UPDATE OF referred_on, award_on, award_for
    ON arbitration_referrals FOR EACH ROW EXECUTE FUNCTION indicator_rollups_arbitration_changed();

-- The return within 2x of the bare aggregate: the surveys' spam check reads the few spam cases instead of
-- joining every case.
CREATE INDEX cases_spam_idx ON cases (id) WHERE outcome = 'spam';
