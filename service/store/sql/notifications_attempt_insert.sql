INSERT INTO notification_attempts (notification_id, at, ok, error) VALUES ($1, $2, $3, $4)
