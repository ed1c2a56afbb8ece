-- Raise the overdue flag once per case: undecided past the acceptance deadline.
UPDATE cases SET acceptance_overdue_at = $2
WHERE status = 'received' AND acceptance_due < $1 AND acceptance_overdue_at IS NULL
RETURNING id, acceptance_due
