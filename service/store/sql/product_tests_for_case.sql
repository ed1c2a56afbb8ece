SELECT t.id, t.case_id, t.lab, t.fee_fen, t.fee_advanced_by, t.consumer_guarantee_fen, t.started_on,
       t.report_evidence_id, e.sha256 AS report_sha256, e.original_name AS report_name,
       t.finding, t.at_fault, t.finished_on
FROM product_tests t
LEFT JOIN evidence e ON e.id = t.report_evidence_id
WHERE t.case_id = $1
ORDER BY t.id
