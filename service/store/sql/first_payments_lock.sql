SELECT * FROM first_payments WHERE case_id = $1 FOR UPDATE
