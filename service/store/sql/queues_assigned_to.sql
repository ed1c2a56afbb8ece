-- A mediator's open cases (FINISHED_STATUSES written out, for cases_open_assignment_idx), nearest deadline
-- first: a page of $2 from row $3, each row with the count of them all. The count is its own index-only
-- range and the page a range read up to its LIMIT in the index's order, so only the page's rows are
-- fetched (a window count over the rows fetched every open case of a busy mediator).
SELECT (SELECT count(*) FROM cases o
        WHERE o.assigned_to = $1 AND o.status <> ALL ('{closed,rejected}'::text[])) AS total,
       c.id, c.queue, c.tracking_no, c.status, c.paused, c.merchant_name, c.category, c.subdistrict,
       c.received_at, c.mediation_due, c.mediation_due_provisional, c.assigned_at
FROM cases c
WHERE c.assigned_to = $1 AND c.status <> ALL ('{closed,rejected}'::text[])
ORDER BY c.mediation_due NULLS LAST, c.id
LIMIT $2 OFFSET $3
