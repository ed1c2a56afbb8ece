-- The staff queue, nearest deadline first, in the order the cases_queue_* indexes hold (migration 0033);
-- a deadline-less case (queue_due 'infinity') comes last. `/*filters*/` is replaced by the conditions of
-- the filters in use (service/store/cases.py: queue_filters), so that each combination is its own prepared
-- statement whose generic plan still reads the matching index: with catch-alls ("$n IS NULL OR …") in one
-- statement the generic plan PostgreSQL switches to after five executions scanned the whole table.
-- $1 limit, $2 offset; the filters' values follow.
SELECT c.id, c.tracking_no, c.status, c.paused, c.channel, c.received_at, c.received_on, c.category,
       c.problem_type, c.quality_domain, c.subdistrict, c.merchant_name, c.claim_amount_fen,
       c.acceptance_due, c.acceptance_due_provisional, c.mediation_due, c.mediation_due_provisional,
       c.acceptance_overdue_at,
       nullif(c.queue_due, 'infinity') AS next_due,
       c.queue_due,
       -- which deadline next_due is: 受理 (acceptance), 答复 (the merchant's reply), 调解 (mediation)
       c.queue_due_kind AS due_kind
FROM cases c
WHERE /*filters*/
ORDER BY c.queue_due, c.received_at, c.id
LIMIT $1 OFFSET $2
