UPDATE merchants SET verified = true, updated_at = $2 WHERE id = $1 RETURNING id
