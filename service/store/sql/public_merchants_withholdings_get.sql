SELECT reason, withheld_by, withheld_at FROM public_merchant_withholdings WHERE merchant_id = $1
