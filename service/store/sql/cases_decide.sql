UPDATE cases SET status = $2, decided_at = $3, decided_by = $4, rejection_ground = $5, decision_note = $6,
                 accepted_on = $7, mediation_due = $8, mediation_due_provisional = $9, updated_at = $3
WHERE id = $1
