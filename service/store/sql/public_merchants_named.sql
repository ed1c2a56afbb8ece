-- The merchants named in public for the period [$1, $2] (local dates, both included): at least $3 accepted
-- complaints (outcomes $4 not counted), a verified business of the registry, its entry not withheld.
-- One index-only range of the period's acceptances (cases_public_merchants_idx, migration 0036).
SELECT c.merchant_id
FROM cases c
WHERE c.accepted_on >= $1::date AND c.accepted_on <= $2::date
  AND c.merchant_id IS NOT NULL
  AND (c.outcome IS NULL OR c.outcome <> ALL ($4::text[]))
GROUP BY c.merchant_id
HAVING count(*) >= $3
   AND EXISTS (SELECT 1 FROM merchants m WHERE m.id = c.merchant_id AND m.verified AND m.merged_into IS NULL)
   AND NOT EXISTS (SELECT 1 FROM public_merchant_withholdings w WHERE w.merchant_id = c.merchant_id)
