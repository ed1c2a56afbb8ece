-- Registry merchants that share a bigram of the consumer's core name ($1) or hold every bigram of the
-- road and house number the consumer wrote ($2) in their address: the prefilter the pure scorer ranks
-- (domain.merchant_match). With a USCC the registry lacks ($3), only merchants without a USCC qualify:
-- one registered under another code is another business. Merged duplicates never match.
SELECT m.id, m.name, m.uscc, m.address, m.subdistrict, m.verified,
       p.name AS parent_name, p.uscc AS parent_uscc
FROM merchants m
LEFT JOIN merchants p ON p.id = m.parent_id
WHERE m.merged_into IS NULL
  AND ($3::text IS NULL OR m.uscc IS NULL)
  AND (merchant_grams(m.name) && $1::text[]
       OR (cardinality($2::text[]) > 0 AND merchant_grams(m.address) @> $2::text[]))
ORDER BY cardinality(ARRAY(SELECT unnest(merchant_grams(m.name)) INTERSECT SELECT unnest($1::text[]))) DESC,
         m.verified DESC, m.id
LIMIT $4
