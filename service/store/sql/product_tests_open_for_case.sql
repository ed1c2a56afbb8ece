SELECT id FROM product_tests WHERE case_id = $1 AND finished_on IS NULL
