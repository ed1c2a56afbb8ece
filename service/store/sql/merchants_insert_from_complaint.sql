-- An unverified shop made from a complaint's merchant; nothing when its USCC is already registered
-- (another job got there first: the caller then finds it by USCC).
INSERT INTO merchants (name, uscc, address, subdistrict, kind, contact_phone, verified)
VALUES ($1, $2, $3, $4, 'shop', $5, false)
ON CONFLICT (uscc) DO NOTHING
RETURNING id
