UPDATE case_pauses SET ended_on = $2, ended_by = $3 WHERE case_id = $1 AND ended_on IS NULL RETURNING id
