UPDATE staff_users SET password_hash = $2, must_change_password = false, password_changed_at = $3
WHERE id = $1
