SELECT version, body, written_at FROM public_merchant_replies WHERE merchant_id = $1 ORDER BY version DESC LIMIT 1
