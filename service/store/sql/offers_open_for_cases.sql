SELECT id, case_id, parent_id, from_party, remedy, amount_fen, answer_by, note, status, created_at, perform_by
FROM offers WHERE case_id = any($1::bigint[]) AND status = 'open' ORDER BY case_id
