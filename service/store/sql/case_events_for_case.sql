SELECT id, kind, actor, at, payload FROM case_events WHERE case_id = $1 ORDER BY id
