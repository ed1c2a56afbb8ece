SELECT id, username, display_name, roles, disabled, failed_logins, locked_until, created_at,
       password_changed_at, must_change_password
FROM staff_users WHERE id = $1
