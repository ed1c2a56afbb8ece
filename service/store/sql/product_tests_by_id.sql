SELECT id, case_id, lab, fee_fen, fee_advanced_by, consumer_guarantee_fen, started_on, report_evidence_id,
       finding, at_fault, finished_on
FROM product_tests WHERE id = $1
