UPDATE staff_users SET disabled = true WHERE id = $1 RETURNING id
