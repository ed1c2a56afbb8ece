UPDATE arbitration_referrals SET award_on = $2, award_for = $3, award_amount_fen = $4
WHERE case_id = $1 AND award_on IS NULL
RETURNING case_id
