SELECT id, name, verified, merged_into FROM merchants WHERE id = $1 FOR UPDATE
