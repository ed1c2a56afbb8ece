-- Keep an answer under a key unless a live one is there (older than $6 s is replaced): true when kept.
INSERT INTO idempotency_keys AS k (scope, key, body_hash, status_code, response)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (scope, key) DO UPDATE
    SET body_hash = EXCLUDED.body_hash, status_code = EXCLUDED.status_code,
        response = EXCLUDED.response, created_at = now()
    WHERE k.created_at < now() - make_interval(secs => $6)
RETURNING true
