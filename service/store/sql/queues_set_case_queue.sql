UPDATE cases SET queue = $2, updated_at = now() WHERE id = $1
