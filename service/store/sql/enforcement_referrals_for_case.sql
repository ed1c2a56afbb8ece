SELECT id, description, status, created_at FROM enforcement_referrals WHERE case_id = $1 ORDER BY id
