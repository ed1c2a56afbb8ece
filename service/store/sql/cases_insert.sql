INSERT INTO cases (
    tracking_no, access_code_hash, status, channel, received_at, received_on, rule_set_id,
    acceptance_due, acceptance_due_provisional, quality_domain, category, problem_type, subdistrict,
    merchant_name, merchant_address, merchant_uscc, merchant_phone, platform_name, platform_uscc,
    purchase_date, amount_paid_fen, claim_amount_fen, requests, description,
    consent_mediation, consent_entrusted, consent_publish, recorded_by
) VALUES (
    $1, $2, 'received', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
    $19, $20, $21, $22, $23, $24, $25, $26, $27
)
RETURNING id, tracking_no, status, received_at, acceptance_due, acceptance_due_provisional
