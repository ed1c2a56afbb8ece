-- An agreement for this dispute: one recorded for the case, else the merchant's (or its platform's) published clause.
SELECT a.* FROM arbitration_agreements a
WHERE a.case_id = $1
   OR (a.kind = 'published' AND a.merchant_id IN ($2, (SELECT parent_id FROM merchants WHERE id = $2)))
ORDER BY (a.case_id IS NOT NULL) DESC, (a.merchant_id = $2) DESC, a.id
LIMIT 1
