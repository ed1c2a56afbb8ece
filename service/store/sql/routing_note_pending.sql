-- A case still awaiting its acceptance decision, locked by the caller (cases_lock): its one routing_pending
-- event unless it has one, and its routing jobs ($4) marked done, in one round trip (issue 17).
-- $1 case, $2 at, $3 request id; true when the event was written now.
WITH noted AS (
    INSERT INTO case_events (case_id, kind, actor, at, payload, rule_set_id, request_id)
    SELECT c.id, 'routing_pending', 'system', $2, '{}'::jsonb, c.rule_set_id, $3
    FROM cases c
    WHERE c.id = $1
      AND NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = $1 AND e.kind = 'routing_pending')
    RETURNING id
), done AS (
    UPDATE outbox SET done_at = now(), last_error = NULL WHERE job_key = any($4::text[]) AND done_at IS NULL
)
SELECT EXISTS (SELECT 1 FROM noted)
