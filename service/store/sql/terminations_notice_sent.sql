UPDATE terminations SET notice_sent_at = $2, notice_sent_by = $3
WHERE case_id = $1 AND superseded_at IS NULL AND notice_sent_at IS NULL
RETURNING id, notice_due
