UPDATE first_payments SET state = $2, merchant_note = coalesce($3, merchant_note), proof_evidence_id = coalesce($4, proof_evidence_id),
       paid_fen = coalesce($5, paid_fen), paid_on = coalesce($6, paid_on), updated_at = now()
WHERE case_id = $1
