INSERT INTO arbitration_referrals (case_id, agreement_id, institution, referred_on) VALUES ($1, $2, $3, $4)
ON CONFLICT (case_id) DO NOTHING
RETURNING case_id
