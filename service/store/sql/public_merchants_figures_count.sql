-- How many entries the publication of $1 shows (public_merchants_figures_list.sql, all pages): one
-- index-only range of the publication's ranking (public_merchant_figures_rank_idx), less those withheld.
SELECT count(*) FROM public_merchant_figures f
WHERE f.period_end = $1 AND f.complaints >= $2
  AND NOT EXISTS (SELECT 1 FROM public_merchant_withholdings w WHERE w.merchant_id = f.merchant_id)
