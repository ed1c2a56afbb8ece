-- A merchant is linked (confirmed, re-linked): the candidate list is done with.
UPDATE cases SET status = $2, merchant_id = $3, merchant_candidates = NULL, updated_at = $4 WHERE id = $1
