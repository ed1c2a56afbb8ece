-- The first $2 unassigned cases of each of the queues $1, in claim order, with each queue's total.
SELECT * FROM (
    SELECT c.id, c.queue, c.tracking_no, c.status, c.paused, c.merchant_name, c.category, c.subdistrict,
           c.received_at, c.mediation_due, c.mediation_due_provisional,
           row_number() OVER (PARTITION BY c.queue ORDER BY c.mediation_due NULLS LAST, c.id) AS n,
           count(*) OVER (PARTITION BY c.queue) AS total
    FROM cases c
    WHERE c.queue = any($1::text[]) AND c.status = 'mediation' AND c.assigned_to IS NULL
) waiting
WHERE n <= $2
ORDER BY queue, n
