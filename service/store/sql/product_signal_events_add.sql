INSERT INTO product_signal_events (signal_id, kind, actor, at, payload) VALUES ($1, $2, $3, $4, $5)
RETURNING id
