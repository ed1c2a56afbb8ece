UPDATE settlements SET superseded_at = $2 WHERE case_id = $1 AND superseded_at IS NULL RETURNING id
