-- A period's publication: its bounds and the threshold in force (the policy's), once.
INSERT INTO public_merchant_publications (period_end, period_start, threshold, computed_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (period_end) DO NOTHING
RETURNING period_end
