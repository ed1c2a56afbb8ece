SELECT id, case_id, offer_id, remedy, amount_fen, perform_by, status, wording, consumer_confirmed_at,
       merchant_confirmed_at
FROM settlements WHERE case_id = $1 AND superseded_at IS NULL
FOR UPDATE
