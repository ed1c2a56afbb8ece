-- Issue 17: the indicators of ended months read from per-month rollups (service/usecases/indicator_rollups.py).
--
-- A rollup holds one month's aggregates (domain.indicators.MonthCounts as JSON), the definitions' version
-- they were counted under, and `source`: the snapshot they were read in (the watermark). Every write that
-- can change an ended month's figures — a back-dated complaint, a late decision, a reopening, a survey
-- answered, a first payment, an award, a report, a spam mark — logs that month in
-- indicator_rollup_changes with its transaction id, by the triggers below, whichever code path made it.
-- A rollup is fresh while no logged change of its month is invisible to its snapshot; a stale or missing
-- month is counted live and written back. The log only takes inserts (never a lock another writer waits
-- for); a write-back prunes the changes its snapshot saw.
--
-- A rollup restored into another cluster (pg_restore on a new server: other transaction ids) is ignored
-- and replaced: `cluster` is the system identifier its snapshot belongs to (a standby shares its primary's).
--
-- "Ended" for the log: months before the one of (now + 1 day), Shanghai time. The day of lead covers a
-- transaction that starts before a month ends and commits after it, and a clock a little ahead.

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

CREATE FUNCTION indicator_month(at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE AS $$
    SELECT date_trunc('month', at AT TIME ZONE 'Asia/Shanghai')::date
$$;

-- The first month whose changes are not logged (see above).
CREATE FUNCTION indicator_rollups_open_from() RETURNS date LANGUAGE sql VOLATILE AS $$
    SELECT date_trunc('month', (clock_timestamp() + interval '1 day') AT TIME ZONE 'Asia/Shanghai')::date
$$;

-- plpgsql, not sql: its plans are kept; a sql function's INSERT was planned anew on every row (3x an update).
CREATE FUNCTION indicator_rollups_touch(days date[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    open_from date := indicator_rollups_open_from();
    d date;
BEGIN
    FOREACH d IN ARRAY days LOOP
        IF d < open_from THEN
            INSERT INTO indicator_rollup_changes (month) VALUES (date_trunc('month', d)::date)
            ON CONFLICT DO NOTHING;
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
            indicator_month(NEW.decided_at), indicator_month(NEW.closed_at)]);
        RETURN NULL;
    END IF;
    spam := (OLD.outcome IS NOT DISTINCT FROM 'spam') <> (NEW.outcome IS NOT DISTINCT FROM 'spam');
    IF spam OR OLD.received_on IS DISTINCT FROM NEW.received_on THEN
        days := days || ARRAY[OLD.received_on, NEW.received_on];
    END IF;
    IF spam OR (OLD.decided_at, OLD.rejection_ground, OLD.accepted_on, OLD.acceptance_due)
            IS DISTINCT FROM (NEW.decided_at, NEW.rejection_ground, NEW.accepted_on, NEW.acceptance_due) THEN
        days := days || ARRAY[indicator_month(OLD.decided_at), indicator_month(NEW.decided_at),
                              OLD.acceptance_due, NEW.acceptance_due];
    END IF;
    IF (OLD.status, OLD.outcome, OLD.closed_at, OLD.received_on, OLD.mediation_due, OLD.relief_fen)
            IS DISTINCT FROM (NEW.status, NEW.outcome, NEW.closed_at, NEW.received_on, NEW.mediation_due,
                              NEW.relief_fen)
       AND (OLD.closed_at IS NOT NULL OR NEW.closed_at IS NOT NULL) THEN
        days := days || ARRAY[indicator_month(OLD.closed_at), indicator_month(NEW.closed_at)];
    END IF;
    IF spam THEN  -- the case's survey is counted by the month it was sent
        days := days || ARRAY(SELECT indicator_month(created_at) FROM surveys WHERE case_id = NEW.id);
    END IF;
    IF cardinality(days) > 0 THEN
        PERFORM indicator_rollups_touch(days);
    END IF;
    RETURN NULL;
END
$$;

-- An insert dated into the running month (every complaint filed today) does not even call the function.
CREATE TRIGGER indicator_rollups_cases_insert AFTER INSERT ON cases FOR EACH ROW
    WHEN (least(NEW.received_on, NEW.acceptance_due, indicator_month(NEW.decided_at),
                indicator_month(NEW.closed_at)) < indicator_rollups_open_from())
    EXECUTE FUNCTION indicator_rollups_cases_changed();
CREATE TRIGGER indicator_rollups_cases AFTER DELETE OR UPDATE OF
    received_on, decided_at, rejection_ground, accepted_on, acceptance_due, status, outcome, closed_at,
    mediation_due, relief_fen
    ON cases FOR EACH ROW EXECUTE FUNCTION indicator_rollups_cases_changed();

-- Surveys by the month sent; first payments by the month paid, and the closing month of their case
-- (relief beyond first payments); arbitration by referral and award dates; reports by creation. Each with
-- the row as it was and as it is (an insert: NEW twice; a delete: OLD twice).
CREATE FUNCTION indicator_rollups_surveys_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN OLD := NEW; ELSIF TG_OP = 'DELETE' THEN NEW := OLD; END IF;
    PERFORM indicator_rollups_touch(ARRAY[indicator_month(OLD.created_at), indicator_month(NEW.created_at)]);
    RETURN NULL;
END
$$;

CREATE TRIGGER indicator_rollups_surveys AFTER INSERT OR DELETE OR UPDATE OF created_at, score, answered_at, case_id
    ON surveys FOR EACH ROW EXECUTE FUNCTION indicator_rollups_surveys_changed();

CREATE FUNCTION indicator_rollups_first_payments_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN OLD := NEW; ELSIF TG_OP = 'DELETE' THEN NEW := OLD; END IF;
    IF TG_OP = 'UPDATE' AND (OLD.case_id, OLD.state, OLD.paid_on, OLD.paid_fen)
            IS NOT DISTINCT FROM (NEW.case_id, NEW.state, NEW.paid_on, NEW.paid_fen) THEN
        RETURN NULL;
    END IF;
    PERFORM indicator_rollups_touch(ARRAY[OLD.paid_on, NEW.paid_on] || ARRAY(
        SELECT indicator_month(closed_at) FROM cases WHERE id IN (OLD.case_id, NEW.case_id)));
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

CREATE FUNCTION indicator_rollups_reports_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN OLD := NEW; ELSIF TG_OP = 'DELETE' THEN NEW := OLD; END IF;
    PERFORM indicator_rollups_touch(ARRAY[indicator_month(OLD.created_at), indicator_month(NEW.created_at)]);
    RETURN NULL;
END
$$;

CREATE TRIGGER indicator_rollups_reports AFTER INSERT OR DELETE OR UPDATE OF created_at
    ON enforcement_referrals FOR EACH ROW EXECUTE FUNCTION indicator_rollups_reports_changed();

-- Issue 17 (the return within 2x of the bare aggregate): the surveys' spam check reads the few spam
-- cases instead of joining every case.
CREATE INDEX cases_spam_idx ON cases (id) WHERE outcome = 'spam';
