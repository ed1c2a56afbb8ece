SELECT year, source, loaded_at FROM calendar_years ORDER BY year
