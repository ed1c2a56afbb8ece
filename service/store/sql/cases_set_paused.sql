-- A moved mediation deadline is a new deadline: its "due soon" and "overdue" flags may be raised again.
UPDATE cases SET paused = $2, mediation_due = $3, mediation_due_provisional = $4, updated_at = $5,
                 mediation_warned_at = CASE WHEN mediation_due IS DISTINCT FROM $3 THEN NULL ELSE mediation_warned_at END,
                 mediation_escalated_at = CASE WHEN mediation_due IS DISTINCT FROM $3 THEN NULL ELSE mediation_escalated_at END
WHERE id = $1
