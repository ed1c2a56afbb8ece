-- A new version of merchant $1's public reply (the merchant's row is locked first: versions do not race).
INSERT INTO public_merchant_replies (merchant_id, version, body, written_at)
SELECT $1, coalesce(max(version), 0) + 1, $2, $3 FROM public_merchant_replies WHERE merchant_id = $1
RETURNING version
