-- A merged duplicate's links stop working: its cases now belong to the other merchant.
UPDATE merchant_tokens SET revoked_at = $2 WHERE merchant_id = $1 AND revoked_at IS NULL
