INSERT INTO queue_members (queue, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING user_id
