UPDATE staff_users SET roles = $2 WHERE id = $1 RETURNING id
