-- Case $1, locked, when it may be a typical case of the local year [$2, $3): closed in it, not spam, its
-- consumer consented to publication; with the consumer's values the texts are checked against.
SELECT c.id AS case_id, c.tracking_no, p.name, p.phone, p.address, p.id_number, p.email
FROM cases c
JOIN case_consumers p ON p.case_id = c.id
WHERE c.id = $1 AND c.status = 'closed' AND c.consent_publish AND c.outcome <> 'spam'
  AND c.closed_at >= $2::date::timestamp AT TIME ZONE 'Asia/Shanghai'
  AND c.closed_at < $3::date::timestamp AT TIME ZONE 'Asia/Shanghai'
FOR UPDATE OF c
