INSERT INTO calendar_years (year, source, loaded_at) VALUES ($1, $2, now())
ON CONFLICT (year) DO UPDATE SET source = EXCLUDED.source, loaded_at = now()
