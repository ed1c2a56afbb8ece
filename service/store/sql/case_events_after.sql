-- The events after the notice cursor $1, up to id $3 when given (see EventHorizon), oldest first.
SELECT id, case_id, kind, payload, at FROM case_events
WHERE id > $1 AND ($3::bigint IS NULL OR id <= $3)
ORDER BY id
LIMIT $2
