UPDATE product_tests SET finding = $2, at_fault = $3, finished_on = $4, report_evidence_id = $5
WHERE id = $1 AND finished_on IS NULL
RETURNING id
