-- The staff queue: filters are optional ($n IS NULL means "any"); nearest deadline first.
WITH listed AS (
    SELECT c.id, c.tracking_no, c.status, c.paused, c.channel, c.received_at, c.received_on, c.category,
           c.problem_type, c.quality_domain, c.subdistrict, c.merchant_name, c.claim_amount_fen,
           c.acceptance_due, c.acceptance_due_provisional, c.mediation_due, c.mediation_due_provisional,
           c.acceptance_overdue_at,
           CASE WHEN c.status = 'received' THEN c.acceptance_due
                WHEN fp.case_id IS NOT NULL THEN fp.reply_due
                WHEN c.status IN ('accepted', 'merchant_to_confirm', 'first_payment', 'mediation', 'arbitration')
                     AND NOT c.paused
                     THEN c.mediation_due
           END AS next_due,
           -- which deadline next_due is: 受理 (acceptance), 答复 (the merchant's reply), 调解 (mediation)
           CASE WHEN c.status = 'received' THEN 'acceptance'
                WHEN fp.case_id IS NOT NULL THEN 'reply'
                ELSE 'mediation'
           END AS due_kind
    FROM cases c
    -- a first payment waiting for the merchant's answer: its reply deadline comes first
    LEFT JOIN first_payments fp ON fp.case_id = c.id AND c.status = 'first_payment' AND fp.state = 'notified'
    WHERE ($1::text[] IS NULL OR c.status = any($1::text[]))
      AND ($2::text IS NULL OR c.subdistrict = $2)
      AND ($3::text IS NULL OR c.category = $3)
)
SELECT *, count(*) OVER () AS total FROM listed
WHERE ($4::date IS NULL OR next_due < $4)        -- overdue: due before today
  AND ($5::date IS NULL OR next_due <= $5)       -- due on or before a date
ORDER BY next_due ASC NULLS LAST, received_at ASC
LIMIT $6 OFFSET $7
