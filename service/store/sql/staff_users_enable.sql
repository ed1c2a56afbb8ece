UPDATE staff_users SET disabled = false WHERE id = $1 RETURNING id
