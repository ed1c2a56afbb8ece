-- Every case of a merged duplicate moves to the merchant it was merged into.
UPDATE cases SET merchant_id = $2, updated_at = $3 WHERE merchant_id = $1 RETURNING id
