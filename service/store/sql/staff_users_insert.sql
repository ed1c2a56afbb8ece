INSERT INTO staff_users (username, display_name, password_hash, roles) VALUES ($1, $2, $3, $4)
ON CONFLICT (username) DO NOTHING
RETURNING id
