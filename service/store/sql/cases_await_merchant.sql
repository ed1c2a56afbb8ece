-- Routing waits: the candidates are stored for the person who confirms one.
UPDATE cases SET status = $2, merchant_candidates = $3, updated_at = $4 WHERE id = $1
