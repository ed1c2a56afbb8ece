SELECT id, display_name, roles, disabled FROM staff_users WHERE id = $1
