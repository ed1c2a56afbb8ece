-- Raise the escalation flag once per case: in mediation, not paused, past its due date ($1 is today).
UPDATE cases SET mediation_escalated_at = $2
WHERE status = 'mediation' AND NOT paused AND mediation_due < $1
  AND mediation_escalated_at IS NULL
RETURNING id, tracking_no, mediation_due, assigned_to
