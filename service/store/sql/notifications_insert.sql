-- Queue a notice with the data it concerns; the same dedupe key is queued once.
INSERT INTO notifications (case_id, recipient, channel, address, template, subject, body, dedupe_key,
                           next_attempt_at, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9, now()), coalesce($9, now()))
ON CONFLICT (dedupe_key) DO NOTHING
RETURNING id
