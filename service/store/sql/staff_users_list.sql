SELECT id, username, display_name, roles, disabled, locked_until, created_at FROM staff_users ORDER BY username
