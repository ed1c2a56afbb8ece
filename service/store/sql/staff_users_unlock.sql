UPDATE staff_users SET failed_logins = 0, locked_until = NULL WHERE id = $1 RETURNING id
