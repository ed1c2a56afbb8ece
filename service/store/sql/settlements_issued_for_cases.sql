-- Issued settlements of these cases still awaiting a party's confirmation (a merchant link's cases).
SELECT id, case_id, terms, remedy, amount_fen, perform_by, performance, status, consumer_confirmed_at,
       merchant_confirmed_at
FROM settlements
WHERE case_id = any($1::bigint[]) AND superseded_at IS NULL AND status = 'issued'
  AND (consumer_confirmed_at IS NULL OR merchant_confirmed_at IS NULL)
ORDER BY case_id
