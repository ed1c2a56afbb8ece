-- Open signals first (newest first), then those decided since $1; $2 rows from row $3. Each as the view of
-- migration 0042 shows it (its category, merchants, problem types, batches, injuries, cases, who decided
-- it); open_total and total count every row listed. Business data only: no consumer.
SELECT v.*, count(*) FILTER (WHERE v.decided_at IS NULL) OVER () AS open_total, count(*) OVER () AS total
FROM product_signals_shown v
WHERE v.decided_at IS NULL OR v.decided_at >= $1
ORDER BY v.decided_at IS NOT NULL, coalesce(v.decided_at, v.raised_at) DESC, v.id DESC
LIMIT $2 OFFSET $3
