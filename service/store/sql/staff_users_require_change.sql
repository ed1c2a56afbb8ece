UPDATE staff_users SET must_change_password = true WHERE id = $1
