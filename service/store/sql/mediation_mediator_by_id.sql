SELECT id, display_name FROM staff_users WHERE id = $1 AND NOT disabled AND 'mediator' = any(roles)
