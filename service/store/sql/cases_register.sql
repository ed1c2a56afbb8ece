-- Register a complaint in one statement, so one round trip and no transaction of its own (issue 7):
-- the Idempotency-Key and its answer, the case with its tracking number and access-code hash, its
-- consumer, the 'registered' event and the routing job. Migration 0017 explains the parts:
--  * ref: the reference data the deadline was computed with ($6) is still current. FOR SHARE makes a
--    calendar load wait for registrations in flight, and makes this one re-read the version after a
--    load it waited for: then nothing is written and `fresh` is false (reload and retry).
--  * go: the case id and the day's number (the tracking sequence less the day's base, $5).
--  * claim: a key in use (not older than the TTL, $43 s) stops the rest: `fresh` with no case means
--    "read the earlier answer". A request with the same key in flight makes this one wait for it.
--  * the access-code hash is HMAC-SHA256(secret, "<tracking no>:<code>") from the key's inner and
--    outer pads ($3, $4), as service.usecases.access.code_hash computes it.
WITH ref AS (
    SELECT version FROM reference_version WHERE version = $6 FOR SHARE
), go AS (
    SELECT nextval('cases_id_seq') AS case_id, nextval('tracking_seq') - $5 AS number FROM ref
), t AS (
    SELECT case_id,
           'GS' || to_char($1::date, 'YYYYMMDD') || '-'
                || lpad(number::text, greatest(6, length(number::text)), '0') AS tracking_no
    FROM go
), claim AS (
    INSERT INTO idempotency_keys (scope, key, body_hash, status_code, response)
    SELECT $40, $41, $42, 201,
           jsonb_set(jsonb_set($39::jsonb, '{case_id}', to_jsonb(case_id)), '{tracking_no}', to_jsonb(tracking_no))
    FROM t
    WHERE $41::text IS NOT NULL
    ON CONFLICT (scope, key) DO UPDATE
        SET body_hash = EXCLUDED.body_hash, status_code = EXCLUDED.status_code,
            response = EXCLUDED.response, created_at = now()
        WHERE idempotency_keys.created_at < now() - make_interval(secs => $43)
    RETURNING key
), c AS (
    INSERT INTO cases (
        id, tracking_no, access_code_hash, status, channel, received_at, received_on, rule_set_id,
        acceptance_due, acceptance_due_provisional, quality_domain, category, problem_type, subdistrict,
        merchant_name, merchant_address, merchant_uscc, merchant_phone, platform_name, platform_uscc,
        purchase_date, amount_paid_fen, claim_amount_fen, requests, description,
        consent_mediation, consent_entrusted, consent_publish, recorded_by
    )
    SELECT case_id, tracking_no, sha256($4 || sha256($3 || convert_to(tracking_no || ':' || $2, 'UTF8'))),
           'received', $7, $8, $1, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
           $22, $23, $24, $25, $26, $27, $28, $29, $30
    FROM t
    WHERE $41::text IS NULL OR EXISTS (SELECT FROM claim)
    RETURNING id, tracking_no, status, received_at, acceptance_due, acceptance_due_provisional, rule_set_id
), consumer AS (
    INSERT INTO case_consumers (case_id, name, phone, address, id_number, email)
    SELECT id, $31, $32, $33, $34, $35 FROM c
), registered AS (
    INSERT INTO case_events (case_id, kind, actor, at, payload, rule_set_id, request_id)
    SELECT id, 'registered', $36, $8, $37, rule_set_id, $38 FROM c
), job AS (
    INSERT INTO outbox (job, job_key, args, request_id, notify)  -- the relay's poll takes it (0017)
    SELECT 'route_case', 'route_case:' || id, jsonb_build_object('case_id', id), $38, false FROM c
    ON CONFLICT (job_key) DO NOTHING
)
SELECT EXISTS (SELECT FROM ref) AS fresh,
       c.id, c.tracking_no, c.status, c.received_at, c.acceptance_due, c.acceptance_due_provisional
FROM (SELECT) AS one LEFT JOIN c ON true
