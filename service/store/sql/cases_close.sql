UPDATE cases SET status = $2, outcome = $3, closed_at = $4, relief_type = $5, relief_fen = $6, paused = false,
                 updated_at = $4
WHERE id = $1
