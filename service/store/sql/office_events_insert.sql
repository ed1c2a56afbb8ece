INSERT INTO office_events (kind, actor, at, payload) VALUES ($1, $2, $3, $4) RETURNING id
