DELETE FROM public_merchant_withholdings WHERE merchant_id = $1 RETURNING reason, withheld_by, withheld_at
