INSERT INTO public_merchant_withholdings (merchant_id, reason, withheld_by, withheld_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (merchant_id) DO NOTHING
RETURNING merchant_id
