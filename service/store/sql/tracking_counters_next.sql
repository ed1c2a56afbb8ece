INSERT INTO tracking_counters (day, last_value) VALUES ($1, 1)
ON CONFLICT (day) DO UPDATE SET last_value = tracking_counters.last_value + 1
RETURNING last_value
