DELETE FROM queue_members WHERE queue = $1 AND user_id = $2 RETURNING user_id
