-- Every queue's load ($1: today, the local date): its cases in mediation, unassigned and assigned, the
-- oldest waiting one, and those past their mediation deadline (a paused clock is not overdue). Cases in
-- mediation are open by definition: they are counted per queue from cases_mediation_queue_idx alone
-- (an index-only range, in queue order), then joined to the queues, so no case row is fetched.
SELECT q.code, q.name_zh, q.name_en, q.active, q.max_open_per_mediator,
       coalesce(l.unassigned, 0) AS unassigned, coalesce(l.assigned, 0) AS assigned,
       l.oldest_unassigned, coalesce(l.overdue, 0) AS overdue
FROM queues q
LEFT JOIN (
    SELECT c.queue,
           count(*) FILTER (WHERE c.assigned_to IS NULL) AS unassigned,
           count(*) FILTER (WHERE c.assigned_to IS NOT NULL) AS assigned,
           min(c.received_at) FILTER (WHERE c.assigned_to IS NULL) AS oldest_unassigned,
           count(*) FILTER (WHERE c.mediation_due < $1 AND NOT c.paused) AS overdue
    FROM cases c
    WHERE c.status = 'mediation' AND c.queue IS NOT NULL
    GROUP BY c.queue
) l ON l.queue = q.code
ORDER BY q.sort, q.code
