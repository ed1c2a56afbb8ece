-- The registry merchant with the same name and address (compared by merchant_key, migration 0006)
-- and no other USCC than the one given; the oldest when several match.
SELECT id FROM merchants
WHERE merchant_key(name) = merchant_key($1) AND merchant_key(address) = merchant_key($2)
  AND (uscc IS NULL OR uscc = $3) AND merged_into IS NULL
ORDER BY id
LIMIT 1
