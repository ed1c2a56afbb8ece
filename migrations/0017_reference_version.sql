-- Intake throughput (issue 7): nothing a registration touches is held across another's commit.

-- 1. Tracking numbers come from a sequence, not a locked counter row. The per-day counter row was held
-- from the increment to the commit's WAL flush, so registrations took turns (≈ one per fsync). A
-- number is now the sequence value less the day's base: unique within the day (the cases table's
-- UNIQUE backs it), increasing, and with a gap where a registration rolled back.
CREATE SEQUENCE tracking_seq;
CREATE TABLE tracking_day_base (
    day   date PRIMARY KEY,
    base  bigint NOT NULL  -- the day's number = nextval('tracking_seq') - base; base is itself drawn
);
-- days already counted go on after their last number (the sequence's first value is 1)
INSERT INTO tracking_day_base (day, base) SELECT day, -last_value FROM tracking_counters;
DROP TABLE tracking_counters;

-- 2. Intake caches reference data (taxonomy, rule sets, the working-day calendar) in each web process.
-- Every change to it bumps one version row, which registrations share-lock and compare with the
-- version they computed with: a calendar load waits for registrations in flight (its recompute of
-- provisional deadlines then sees them), and a case is never registered against a stale calendar
-- (the registration writes nothing and retries with a fresh snapshot).
CREATE TABLE reference_version (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version  bigint NOT NULL
);
INSERT INTO reference_version (version) VALUES (1);

CREATE FUNCTION bump_reference_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE reference_version SET version = version + 1;
    RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['rule_sets', 'calendar_years', 'calendar_days', 'quality_domains',
                             'categories', 'problem_types', 'subdistricts'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
                        FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version()',
                       t || '_bump_reference_version', t);
    END LOOP;
END $$;

-- 3. NOTIFY serializes committing transactions: PostgreSQL holds one exclusive lock per database on the
-- notification queue from pre-commit to the end, WAL flush included, so registrations that notified
-- took turns again (measured: sessions waiting on Lock:object). A registration writes its routing job
-- without waking the relay (notify = false); the relay's poll, every second, picks it up. Other writers
-- (staff actions, jobs) still wake it at once.
ALTER TABLE outbox ADD COLUMN notify boolean NOT NULL DEFAULT true;
DROP TRIGGER outbox_notify ON outbox;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH ROW WHEN (NEW.notify) EXECUTE FUNCTION outbox_notify();
