-- One party's confirmation of the issued settlement, once ($2: 'consumer' or 'merchant').
UPDATE settlements
SET consumer_confirmed_at = CASE WHEN $2::text = 'consumer' THEN $3 ELSE consumer_confirmed_at END,
    consumer_confirmed_via = CASE WHEN $2::text = 'consumer' THEN $4 ELSE consumer_confirmed_via END,
    merchant_confirmed_at = CASE WHEN $2::text = 'merchant' THEN $3 ELSE merchant_confirmed_at END,
    merchant_confirmed_via = CASE WHEN $2::text = 'merchant' THEN $4 ELSE merchant_confirmed_via END
WHERE id = $1 AND status = 'issued'
  AND CASE WHEN $2::text = 'consumer' THEN consumer_confirmed_at ELSE merchant_confirmed_at END IS NULL
RETURNING id, consumer_confirmed_at, merchant_confirmed_at
