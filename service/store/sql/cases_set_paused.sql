UPDATE cases SET paused = $2, mediation_due = $3, mediation_due_provisional = $4, updated_at = $5 WHERE id = $1
