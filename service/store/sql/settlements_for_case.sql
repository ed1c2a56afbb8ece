-- Every settlement of a case, the current one (not superseded by a reopening) last.
SELECT s.id, s.case_id, s.offer_id, s.terms, s.remedy, s.amount_fen, s.perform_by, s.created_at, s.created_by,
       s.performance, s.performance_at, s.performance_note, s.performance_by, s.superseded_at,
       s.status, s.wording, s.issued_at, s.consumer_confirmed_at, s.consumer_confirmed_via,
       s.merchant_confirmed_at, s.merchant_confirmed_via,
       u.display_name AS created_by_name, o.from_party, o.answered_via
FROM settlements s
LEFT JOIN staff_users u ON u.id = s.created_by
JOIN offers o ON o.id = s.offer_id
WHERE s.case_id = $1
ORDER BY (s.superseded_at IS NULL), s.id
