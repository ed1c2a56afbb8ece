-- What the complaint form offers as the consumer types: verified registry merchants whose name shares a
-- bigram with the text, public business data only (never contacts). Ranked again by the pure scorer.
SELECT m.id, m.name, m.address, m.subdistrict
FROM merchants m
WHERE m.verified AND m.merged_into IS NULL
  AND merchant_grams(m.name) && $1::text[]
ORDER BY cardinality(ARRAY(SELECT unnest(merchant_grams(m.name)) INTERSECT SELECT unnest($1::text[]))) DESC,
         m.id
LIMIT $2
