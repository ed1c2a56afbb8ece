-- Agreements a case may be referred under: those recorded for the case, then the clause its merchant published.
SELECT id, kind, institution, signed_on, note, merchant_id, case_id, created_at
FROM arbitration_agreements
WHERE case_id = $1 OR (case_id IS NULL AND kind = 'published' AND merchant_id = $2)
ORDER BY case_id IS NULL, id
