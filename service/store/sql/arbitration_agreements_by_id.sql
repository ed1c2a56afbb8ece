SELECT id, kind, institution, signed_on, note, merchant_id, case_id, created_at FROM arbitration_agreements WHERE id = $1
