SELECT EXISTS (SELECT 1 FROM case_events WHERE case_id = $1 AND kind = $2)
