SELECT * FROM staff_users WHERE username = $1
