SELECT id, case_id, parent_id, from_party, remedy, amount_fen, answer_by, note, status, answered_at, answered_via,
       answered_by, answer_note, created_by, created_at, perform_by
FROM offers WHERE case_id = $1 ORDER BY id
