-- The deadline_recomputed events a calendar load wrote (one moment, the listed cases), for its result page.
SELECT e.case_id, c.tracking_no, e.payload
FROM case_events e JOIN cases c ON c.id = e.case_id
WHERE e.kind = 'deadline_recomputed' AND e.case_id = ANY($1::bigint[]) AND e.at = $2
ORDER BY e.case_id
