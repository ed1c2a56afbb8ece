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
--  * dup: the same complaint (domain.intake.duplicate_key, $45) registered in the last $46 s, whatever
--    the Idempotency-Key: its answer comes back (`dup_took` false) and nothing else is written. It is
--    claimed first and the key's claim waits on it, so a duplicate never leaves a key pointing at a case
--    that does not exist. The window is measured on the submission's clock ($44), both ways.
--    ON CONFLICT DO UPDATE returns the earlier row even when it committed after
--    this statement's snapshot (a plain SELECT would miss it); for a live one the update is a no-op.
--  * the product named ($49-$53: brand, model, batch, injury, domain.product_risk.product_key).
--  * the case's received_on ($1) is the day it arrived (a clerk may enter an earlier one); the
--    'registered' event is dated when it was entered ($44).
WITH ref AS (
    SELECT version FROM reference_version WHERE version = $6 FOR SHARE
), go AS (
    SELECT nextval('cases_id_seq') AS case_id, nextval('tracking_seq') - $5 AS number FROM ref
), t AS (
    SELECT case_id,
           'GS' || to_char($1::date, 'YYYYMMDD') || '-'
                || lpad(number::text, greatest(6, length(number::text)), '0') AS tracking_no
    FROM go
), answer AS (
    SELECT jsonb_set(jsonb_set($39::jsonb, '{case_id}', to_jsonb(case_id)), '{tracking_no}', to_jsonb(tracking_no))
               AS response
    FROM t
), dup AS (
    INSERT INTO idempotency_keys AS k (scope, key, body_hash, status_code, response, created_at)
    SELECT 'complaint_duplicate', $45, '\x'::bytea, 201, response, $44 FROM answer
    WHERE $45::text IS NOT NULL
    ON CONFLICT (scope, key) DO UPDATE
        SET response = CASE WHEN abs(extract(epoch FROM $44 - k.created_at)) > $46
                            THEN EXCLUDED.response ELSE k.response END,
            created_at = CASE WHEN abs(extract(epoch FROM $44 - k.created_at)) > $46
                              THEN $44 ELSE k.created_at END
    RETURNING response, response->>'tracking_no' = (SELECT tracking_no FROM t) AS took
), claim AS (
    INSERT INTO idempotency_keys (scope, key, body_hash, status_code, response)
    SELECT $40, $41, $42, 201, response FROM answer
    WHERE $41::text IS NOT NULL AND ($45::text IS NULL OR EXISTS (SELECT FROM dup WHERE took))
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
        consent_mediation, consent_entrusted, consent_publish, recorded_by,
        product_brand, product_model, product_batch, product_injury, product_key
    )
    SELECT case_id, tracking_no, sha256($4 || sha256($3 || convert_to(tracking_no || ':' || $2, 'UTF8'))),
           'received', $7, $8, $1, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
           $22, $23, $24, $25, $26, $27, $28, $29, $30, $49, $50, $51, $52, $53
    FROM t
    WHERE ($41::text IS NULL OR EXISTS (SELECT FROM claim))
      AND ($45::text IS NULL OR EXISTS (SELECT FROM dup WHERE took))
    RETURNING id, tracking_no, status, received_at, acceptance_due, acceptance_due_provisional, rule_set_id
), consumer AS (
    INSERT INTO case_consumers (case_id, name, phone, address, id_number, email, locale, id_type)
    SELECT id, $31, $32, $33, $34, $35, $47, $48 FROM c
), registered AS (
    INSERT INTO case_events (case_id, kind, actor, at, payload, rule_set_id, request_id)
    SELECT id, 'registered', $36, $44, $37, rule_set_id, $38 FROM c
), job AS (
    INSERT INTO outbox (job, job_key, args, request_id, notify)  -- the relay's poll takes it (0017)
    SELECT 'route_case', 'route_case:' || id, jsonb_build_object('case_id', id), $38, false FROM c
    ON CONFLICT (job_key) DO NOTHING
)
SELECT EXISTS (SELECT FROM ref) AS fresh, (SELECT took FROM dup) AS dup_took,
       (SELECT response FROM dup) AS dup_answer,
       c.id, c.tracking_no, c.status, c.received_at, c.acceptance_due, c.acceptance_due_provisional
FROM (SELECT) AS one LEFT JOIN c ON true
