SELECT id, case_id, party, reason, decided_at FROM recusals WHERE id = $1 AND case_id = $2 FOR UPDATE
