-- The $3 merchants with most complaints received in one local month [$1, $2) — by registry merchant when
-- linked, else by USCC, else by name — with the replies their first-payment notices were due and those
-- answered on time (first_payment_replies, migration 0041: the public figures' definition too). Only the
-- business's name and USCC are read.
--
-- Read as the month's alone (migration 0043): the month's cases are one index-only range of
-- cases_received_merchant_idx; the first payments joined are those whose case id lies between the
-- month's first and last case ids (each day's lowest and highest id, one probe of that index a day),
-- never every first payment ever made; linked cases are counted by merchant id (an in-memory hash on a
-- number instead of a sort of text keys spilled to disk), the few unlinked ones by their key.
WITH month_replies AS (
    SELECT r.case_id, r.reply_due, r.replied_on_time
    FROM first_payment_replies r
    WHERE r.case_id >= (SELECT min(f.id) FROM generate_series($1::date, $2::date - 1, interval '1 day') AS d (day)
                        CROSS JOIN LATERAL (SELECT s.id FROM cases s WHERE s.received_on = d.day::date
                                            ORDER BY s.id LIMIT 1) AS f)
      AND r.case_id <= (SELECT max(l.id) FROM generate_series($1::date, $2::date - 1, interval '1 day') AS d (day)
                        CROSS JOIN LATERAL (SELECT s.id FROM cases s WHERE s.received_on = d.day::date
                                            ORDER BY s.id DESC LIMIT 1) AS l)
), ranked AS (
    (SELECT 'm' || c.merchant_id::text AS key, c.merchant_id,
            NULL::text AS merchant_name,  -- the registry's name is shown for a linked merchant
            min(c.merchant_uscc) AS merchant_uscc, count(*) AS complaints,
            count(*) FILTER (WHERE r.reply_due) AS replies_due,
            count(*) FILTER (WHERE r.replied_on_time) AS replies_on_time
     FROM cases c
     LEFT JOIN month_replies r ON r.case_id = c.id
     WHERE c.received_on >= $1::date
       AND c.received_on < $2::date
       AND c.outcome IS DISTINCT FROM 'spam'  -- fake complaints cannot push a merchant up the table
       AND c.merchant_id IS NOT NULL
     GROUP BY c.merchant_id)
    UNION ALL
    (SELECT coalesce('u' || c.merchant_uscc, 'n' || merchant_key(c.merchant_name)), NULL::bigint,
            min(c.merchant_name), min(c.merchant_uscc), count(*),
            count(*) FILTER (WHERE r.reply_due), count(*) FILTER (WHERE r.replied_on_time)
     FROM cases c
     LEFT JOIN first_payment_replies r ON r.case_id = c.id
     WHERE c.received_on >= $1::date
       AND c.received_on < $2::date
       AND c.outcome IS DISTINCT FROM 'spam'
       AND c.merchant_id IS NULL
     GROUP BY 1)
    ORDER BY complaints DESC, key
    LIMIT $3
)
SELECT r.key, coalesce(m.name, r.merchant_name) AS name, coalesce(m.uscc, r.merchant_uscc) AS uscc,
       r.complaints, r.replies_due, r.replies_on_time
FROM ranked r
LEFT JOIN merchants m ON m.id = r.merchant_id
ORDER BY r.complaints DESC, coalesce(m.name, r.merchant_name), r.key
