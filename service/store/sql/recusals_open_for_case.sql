SELECT id, party, reason, requested_at FROM recusals WHERE case_id = $1 AND decided_at IS NULL
