-- The mediator reviewed the draft: its confirmed wording and performance date, issued for confirmation.
UPDATE settlements SET status = 'issued', terms = $2, wording = $3, perform_by = $4, issued_at = $5, issued_by = $6
WHERE id = $1 AND status = 'draft'
RETURNING id
