INSERT INTO merchants (
    name, uscc, address, subdistrict, kind, parent_id, contact_name, contact_phone, contact_email,
    ends_on, verified
) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
RETURNING id
