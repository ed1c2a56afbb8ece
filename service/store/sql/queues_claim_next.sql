-- Claim the most urgent unassigned case of a queue: concurrent claimers skip each other's locked rows,
-- and a row assigned meanwhile (a reassignment) is re-checked under its lock and passed over. NO KEY
-- UPDATE, as the UPDATE itself takes: rows merely referenced by a new event or file are not skipped.
UPDATE cases c
SET assigned_to = $2, assigned_at = $3, updated_at = $3
WHERE c.id = (
    SELECT id FROM cases
    WHERE queue = $1 AND status = 'mediation' AND assigned_to IS NULL
    ORDER BY mediation_due NULLS LAST, id
    LIMIT 1
    FOR NO KEY UPDATE SKIP LOCKED
)
  AND c.assigned_to IS NULL
RETURNING c.id, c.tracking_no, c.queue, c.status, c.paused, c.mediation_due, c.mediation_due_provisional,
          c.assigned_at
