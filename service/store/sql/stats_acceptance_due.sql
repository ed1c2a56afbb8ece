-- On-time acceptance (按时初查率, definitions v2) per local month in [$1, $2): every complaint whose
-- acceptance deadline fell in the month, decided or not. On time: decided on or before the deadline
-- (local dates). Late: decided after it, or still undecided once it has passed ($3: the first day on
-- which an undecided complaint due in the month is late; the range's end for ended months). Undecided
-- and not yet past the deadline: not counted until it is decided or late.
SELECT date_trunc('month', acceptance_due)::date AS month,
       count(*) FILTER (WHERE decided_at IS NOT NULL OR acceptance_due < $3) AS due,
       count(*) FILTER (
           WHERE (decided_at AT TIME ZONE 'Asia/Shanghai')::date <= acceptance_due
       ) AS on_time,
       count(*) FILTER (WHERE decided_at IS NULL AND acceptance_due < $3) AS undecided_late
FROM cases
WHERE acceptance_due >= $1::date
  AND acceptance_due < $2::date
  AND outcome IS DISTINCT FROM 'spam'
GROUP BY 1
