-- A reopened case has no outcome until it ends again; its history keeps the earlier one (the events).
UPDATE cases SET status = $2, outcome = NULL, closed_at = NULL, relief_type = NULL, relief_fen = NULL, updated_at = $3
WHERE id = $1
