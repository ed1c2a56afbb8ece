-- A mediator's open cases ($2: the statuses that no longer count), nearest deadline first; a page of $3
-- from row $4, each row with the count of them all (a mediator holds hundreds, not millions).
SELECT count(*) OVER () AS total, c.id, c.queue, c.tracking_no, c.status, c.paused, c.merchant_name, c.category, c.subdistrict,
       c.received_at, c.mediation_due, c.mediation_due_provisional, c.assigned_at
FROM cases c
WHERE c.assigned_to = $1 AND c.status <> ALL ($2::text[])
ORDER BY c.mediation_due NULLS LAST, c.id
LIMIT $3 OFFSET $4
