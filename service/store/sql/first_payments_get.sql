SELECT f.*, m.name AS payer_name FROM first_payments f JOIN merchants m ON m.id = f.payer_id WHERE f.case_id = $1
