INSERT INTO worker_heartbeats (worker, seen_at) VALUES ($1, $2)
ON CONFLICT (worker) DO UPDATE SET seen_at = excluded.seen_at
