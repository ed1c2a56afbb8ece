SELECT at, kind FROM staff_sign_ins WHERE user_id = $1 ORDER BY at DESC LIMIT $2
