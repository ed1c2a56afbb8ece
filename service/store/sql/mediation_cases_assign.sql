UPDATE cases SET assigned_to = $2, assigned_at = $3, updated_at = $3 WHERE id = $1
