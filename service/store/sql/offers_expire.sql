-- Open offers whose answer deadline (a local date) has passed; $2 limits it to one case (NULL: all).
UPDATE offers SET status = 'expired'
WHERE status = 'open' AND answer_by < $1 AND ($2::bigint IS NULL OR case_id = $2)
RETURNING id, case_id, from_party, answer_by
