-- Raise the "due soon" flag once per case: in mediation, not paused, due from today ($1) to $2.
UPDATE cases SET mediation_warned_at = $3
WHERE status = 'mediation' AND NOT paused AND mediation_due BETWEEN $1 AND $2
  AND mediation_warned_at IS NULL
RETURNING id, tracking_no, mediation_due, assigned_to
