-- Two jobs linking complaints against the same new merchant take turns until the first commits.
SELECT pg_advisory_xact_lock(hashtextextended('merchant:' || merchant_key($1) || '|' || merchant_key($2), 0))
