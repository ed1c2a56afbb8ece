INSERT INTO enforcement_referrals (case_id, description) VALUES ($1, $2) RETURNING id
