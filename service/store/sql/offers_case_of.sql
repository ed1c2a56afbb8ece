SELECT case_id FROM offers WHERE id = $1
