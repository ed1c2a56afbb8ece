-- Issue 17: the staff queue pages by an order an index can serve. The queue's deadline (next_due: the
-- acceptance deadline of a received case, the merchant's reply deadline of a notified first payment, else
-- the mediation deadline of a running, unpaused case) was a CASE over a LEFT JOIN computed per request,
-- so every page sorted the whole filtered set. It is now stored on the case:
--   queue_due       the deadline, 'infinity' when there is none (sorts last, like NULLS LAST did, and
--                   keeps the keyset comparison (queue_due, received_at, id) > (…) free of NULLs);
--   queue_due_kind  which deadline it is: 'acceptance', 'reply' or 'mediation'.
-- Triggers keep them right, whichever code path writes (decisions, routing, pauses, deadline moves,
-- reopening, closing, and first payments changing state or reply date): those writes are spread over many
-- statements in several rooms, and one forgotten update would silently misorder the queue.

CREATE FUNCTION case_queue_due(status text, paused boolean, acceptance_due date, mediation_due date,
                               reply_due date) RETURNS date LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(CASE WHEN status = 'received' THEN acceptance_due
                         WHEN reply_due IS NOT NULL THEN reply_due
                         WHEN status IN ('accepted', 'merchant_to_confirm', 'first_payment', 'mediation',
                                         'arbitration') AND NOT paused THEN mediation_due
                    END, 'infinity'::date)
$$;

CREATE FUNCTION case_queue_due_kind(status text, reply_due date) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN status = 'received' THEN 'acceptance'
                WHEN reply_due IS NOT NULL THEN 'reply'
                ELSE 'mediation'
           END
$$;

-- The reply deadline that counts for a case: its first payment's while it waits for the merchant.
CREATE FUNCTION case_reply_due(case_id bigint, status text) RETURNS date LANGUAGE sql STABLE AS $$
    SELECT fp.reply_due FROM first_payments fp WHERE $2 = 'first_payment' AND fp.case_id = $1 AND fp.state = 'notified'
$$;

ALTER TABLE cases
    ADD COLUMN queue_due date NOT NULL DEFAULT 'infinity',
    ADD COLUMN queue_due_kind text NOT NULL DEFAULT 'acceptance'
        CHECK (queue_due_kind IN ('acceptance', 'reply', 'mediation'));

-- Sets the two columns of the cases with ids in [from_id, to_id) and returns how many it changed. The
-- migration runs it once; a bulk load made with the triggers off (session_replication_role = replica, as the
-- benchmarks load) runs it afterwards, in chunks of ids.
CREATE FUNCTION case_queue_due_refresh(from_id bigint, to_id bigint) RETURNS bigint LANGUAGE sql AS $$
    WITH due AS (
        SELECT k.id, case_queue_due(k.status, k.paused, k.acceptance_due, k.mediation_due, fp.reply_due) AS at,
               case_queue_due_kind(k.status, fp.reply_due) AS kind
        FROM cases k
        LEFT JOIN first_payments fp ON fp.case_id = k.id AND k.status = 'first_payment' AND fp.state = 'notified'
        WHERE k.id >= $1 AND k.id < $2
    ), changed AS (
        UPDATE cases c SET queue_due = due.at, queue_due_kind = due.kind
        FROM due
        WHERE c.id = due.id AND (c.queue_due, c.queue_due_kind) IS DISTINCT FROM (due.at, due.kind)
        RETURNING 1
    )
    SELECT count(*) FROM changed
$$;

SELECT case_queue_due_refresh(0, 9223372036854775807);

CREATE FUNCTION cases_queue_due() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    reply date := CASE WHEN NEW.status = 'first_payment' THEN case_reply_due(NEW.id, NEW.status) END;
BEGIN
    NEW.queue_due := case_queue_due(NEW.status, NEW.paused, NEW.acceptance_due, NEW.mediation_due, reply);
    NEW.queue_due_kind := case_queue_due_kind(NEW.status, reply);
    RETURN NEW;
END
$$;
CREATE TRIGGER cases_queue_due BEFORE INSERT OR UPDATE OF status, paused, acceptance_due, mediation_due
    ON cases FOR EACH ROW EXECUTE FUNCTION cases_queue_due();

-- A first payment notified, answered, re-pointed (new reply date) or removed moves its case in the queue.
-- Only a case in status first_payment reads its reply date; others are left untouched (no write at all).
CREATE FUNCTION first_payments_queue_due() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    target bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.case_id ELSE NEW.case_id END;
BEGIN
    UPDATE cases c
    SET queue_due = case_queue_due(c.status, c.paused, c.acceptance_due, c.mediation_due, r.due),
        queue_due_kind = case_queue_due_kind(c.status, r.due)
    FROM (SELECT case_reply_due(target, 'first_payment') AS due) r
    WHERE c.id = target AND c.status = 'first_payment';
    RETURN NULL;
END
$$;
CREATE TRIGGER first_payments_queue_due AFTER INSERT OR DELETE OR UPDATE OF state, reply_due
    ON first_payments FOR EACH ROW EXECUTE FUNCTION first_payments_queue_due();

-- Each index ends in the order columns, so a filtered page is an ordered index range read up to its LIMIT
-- (and the keyset condition a seek). The default queue is the open cases: closed and rejected, most rows
-- after a few years, sit apart on the status index, which serves `?status=…` with one status.
CREATE INDEX cases_queue_open_idx ON cases (queue_due, received_at, id)
    WHERE status <> ALL ('{closed,rejected}'::text[]);
CREATE INDEX cases_queue_status_idx ON cases (status, queue_due, received_at, id);
CREATE INDEX cases_queue_subdistrict_idx ON cases (subdistrict, queue_due, received_at, id)
    WHERE status <> ALL ('{closed,rejected}'::text[]);
CREATE INDEX cases_queue_category_idx ON cases (category, queue_due, received_at, id)
    WHERE status <> ALL ('{closed,rejected}'::text[]);
