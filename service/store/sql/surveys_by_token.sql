SELECT s.*, c.tracking_no, c.status AS case_status, c.outcome AS case_outcome, c.closed_at,
       (SELECT count(*) FROM appeals a WHERE a.case_id = s.case_id)::int AS appeals
FROM surveys s JOIN cases c ON c.id = s.case_id
WHERE s.token_hash = $1
