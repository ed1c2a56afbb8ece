INSERT INTO calendar_days (day, is_workday, holiday_name) VALUES ($1, $2, $3)
ON CONFLICT (day) DO UPDATE SET is_workday = EXCLUDED.is_workday, holiday_name = EXCLUDED.holiday_name
