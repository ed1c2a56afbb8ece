-- The publication of the period ending $1, if it has been made.
SELECT period_start, period_end, threshold, computed_at FROM public_merchant_publications WHERE period_end = $1
