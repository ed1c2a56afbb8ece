INSERT INTO case_consumers (case_id, name, phone, address, id_number, email) VALUES ($1, $2, $3, $4, $5, $6)
