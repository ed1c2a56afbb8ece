-- A duplicate-complaint key claimed by a registration that wrote no case (its Idempotency-Key was in
-- use, or a crash between): only the row still naming that registration's tracking number goes.
DELETE FROM idempotency_keys
WHERE scope = 'complaint_duplicate' AND key = $1 AND response->>'tracking_no' = $2
