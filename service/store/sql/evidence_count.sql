SELECT count(*) FROM evidence WHERE case_id = $1
