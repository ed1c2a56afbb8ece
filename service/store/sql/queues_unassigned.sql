-- The first $2 unassigned cases of each of the queues $1, in claim order, with each queue's total. Per
-- queue, the total is an index-only count on cases_claimable_idx and the first cases a range read of it up
-- to the LIMIT, so only the rows shown are fetched (a window over the queues' waiting cases fetched them
-- all). A queue with none waiting gives no row.
SELECT w.id, q.code AS queue, w.tracking_no, w.status, w.paused, w.merchant_name, w.category, w.subdistrict,
       w.received_at, w.mediation_due, w.mediation_due_provisional, t.total
FROM unnest($1::text[]) AS q (code)
CROSS JOIN LATERAL (
    SELECT count(*) AS total FROM cases c
    WHERE c.queue = q.code AND c.status = 'mediation' AND c.assigned_to IS NULL
) t
CROSS JOIN LATERAL (
    SELECT c.id, c.tracking_no, c.status, c.paused, c.merchant_name, c.category, c.subdistrict,
           c.received_at, c.mediation_due, c.mediation_due_provisional
    FROM cases c
    WHERE c.queue = q.code AND c.status = 'mediation' AND c.assigned_to IS NULL
    ORDER BY c.mediation_due NULLS LAST, c.id
    LIMIT $2
) w
ORDER BY q.code, w.mediation_due NULLS LAST, w.id
