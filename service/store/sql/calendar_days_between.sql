SELECT day, is_workday, holiday_name FROM calendar_days WHERE day BETWEEN $1 AND $2 ORDER BY day
