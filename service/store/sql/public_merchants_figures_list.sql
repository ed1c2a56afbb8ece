-- The entries in public for the publication of $1: merchants at or above its threshold $5 (verified
-- businesses when it was made: public_merchants_figures_publish.sql), not withheld; most complaints first,
-- $3 rows from $4 (in the order of public_merchant_figures_rank_idx, so a page reads only its rows;
-- public_merchants_figures_count.sql counts them all). Then, for those rows only: the merchant's name, its
-- latest reply and whether it holds a first-payment commitment in force on $2.
SELECT f.merchant_id, m.name, m.uscc, m.subdistrict, f.complaints, f.by_problem, f.replies_due,
       f.replies_on_time, f.resolved, f.first_payments, f.late,
       EXISTS (SELECT 1 FROM commitments k WHERE k.merchant_id = f.merchant_id AND k.active_from <= $2
               AND (k.active_until IS NULL OR k.active_until >= $2)) AS committed,
       r.body AS reply_body, r.written_at AS reply_written_at, r.version AS reply_version
FROM (
    SELECT * FROM public_merchant_figures f
    WHERE f.period_end = $1 AND f.complaints >= $5
      AND NOT EXISTS (SELECT 1 FROM public_merchant_withholdings w WHERE w.merchant_id = f.merchant_id)
    ORDER BY f.complaints DESC, f.merchant_id
    LIMIT $3 OFFSET $4
) f
JOIN merchants m ON m.id = f.merchant_id
LEFT JOIN LATERAL (
    SELECT body, written_at, version FROM public_merchant_replies
    WHERE merchant_id = f.merchant_id ORDER BY version DESC LIMIT 1
) r ON true
ORDER BY f.complaints DESC, f.merchant_id
