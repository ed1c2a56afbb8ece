-- Every queue's load ($1: today, the local date): its cases in mediation, unassigned and assigned, the
-- oldest waiting one, and those past their mediation deadline (a paused clock is not overdue).
SELECT q.code, q.name_zh, q.name_en, q.active, q.max_open_per_mediator,
       count(c.id) FILTER (WHERE c.assigned_to IS NULL) AS unassigned,
       count(c.id) FILTER (WHERE c.assigned_to IS NOT NULL) AS assigned,
       min(c.received_at) FILTER (WHERE c.assigned_to IS NULL) AS oldest_unassigned,
       count(c.id) FILTER (WHERE c.mediation_due < $1 AND NOT c.paused) AS overdue
FROM queues q
LEFT JOIN cases c ON c.queue = q.code AND c.status = 'mediation'
GROUP BY q.code
ORDER BY q.sort, q.code
