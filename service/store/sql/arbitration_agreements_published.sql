-- A merchant's published arbitration clauses (those signed or implied for one case belong to the case).
SELECT id, merchant_id, kind, institution, signed_on, note, created_at
FROM arbitration_agreements
WHERE merchant_id = $1 AND kind = 'published' AND case_id IS NULL
ORDER BY id DESC
