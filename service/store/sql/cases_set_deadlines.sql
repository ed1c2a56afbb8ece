UPDATE cases SET acceptance_due = $2, acceptance_due_provisional = $3, mediation_due = $4,
                 mediation_due_provisional = $5, updated_at = now()
WHERE id = $1
