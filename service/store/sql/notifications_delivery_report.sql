-- A delivery report ($2: submitted, buffered, delivered, failed) for a notice sent by channel $5. A final
-- report (delivered, failed) is never overwritten by an intermediate one that arrives after it.
UPDATE notifications
SET delivery = $2, delivery_at = $3, delivery_detail = $4
WHERE id = $1 AND channel = $5 AND status = 'sent'
  AND (delivery IS NULL OR delivery NOT IN ('delivered', 'failed') OR $2 IN ('delivered', 'failed'))
RETURNING id
