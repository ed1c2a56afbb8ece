SELECT id, reason, note, started_on, expected_end, ended_on FROM case_pauses WHERE case_id = $1 ORDER BY id
