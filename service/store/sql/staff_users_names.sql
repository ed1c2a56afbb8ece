SELECT id, display_name FROM staff_users WHERE id = any($1::bigint[])
