-- Wake the worker's relay as soon as an outbox row commits (NOTIFY is delivered on commit);
-- the relay also polls, so a missed notification only delays a job by seconds.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('outbox', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
