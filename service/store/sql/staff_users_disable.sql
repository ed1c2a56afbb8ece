UPDATE staff_users SET disabled = true WHERE username = $1 RETURNING id
