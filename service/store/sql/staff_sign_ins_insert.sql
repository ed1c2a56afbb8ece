INSERT INTO staff_sign_ins (user_id, at, kind) VALUES ($1, $2, $3)
