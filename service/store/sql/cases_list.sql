-- The staff queue: filters are optional ($n IS NULL means "any"); nearest deadline first.
WITH listed AS (
    SELECT c.id, c.tracking_no, c.status, c.paused, c.channel, c.received_at, c.received_on, c.category,
           c.problem_type, c.quality_domain, c.subdistrict, c.merchant_name, c.claim_amount_fen,
           c.acceptance_due, c.acceptance_due_provisional, c.mediation_due, c.mediation_due_provisional,
           c.acceptance_overdue_at,
           CASE WHEN c.status = 'received' THEN c.acceptance_due
                WHEN c.status IN ('accepted', 'first_payment', 'mediation', 'arbitration') AND NOT c.paused
                     THEN c.mediation_due
           END AS next_due
    FROM cases c
    WHERE ($1::text[] IS NULL OR c.status = any($1::text[]))
      AND ($2::text IS NULL OR c.subdistrict = $2)
      AND ($3::text IS NULL OR c.category = $3)
)
SELECT *, count(*) OVER () AS total FROM listed
WHERE ($4::date IS NULL OR next_due < $4)        -- overdue: due before today
  AND ($5::date IS NULL OR next_due <= $5)       -- due on or before a date
ORDER BY next_due ASC NULLS LAST, received_at ASC
LIMIT $6 OFFSET $7
