-- The worker's figures for GET /metrics (served by the web processes): job runs by job and outcome,
-- added to in batches by each worker, and each worker's last sign of life.
CREATE TABLE worker_job_counts (
    job      text NOT NULL,
    outcome  text NOT NULL CHECK (outcome IN ('ok', 'failed')),
    n        bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (job, outcome)
);
CREATE TABLE worker_heartbeats (
    worker   text PRIMARY KEY,         -- host:pid
    seen_at  timestamptz NOT NULL
);

-- Restorable backups (disputes restore): pg_restore builds indexes with an empty search_path, and
-- merchant_grams' body, a string parsed at each call, could not find merchant_norm there. A SQL-standard
-- body is bound when created, like merchant_norm's and merchant_key's; the function computes the same.
CREATE OR REPLACE FUNCTION merchant_grams(text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT CASE WHEN length(n) < 2 THEN ARRAY[n]
                ELSE ARRAY(SELECT DISTINCT substr(n, i, 2) FROM generate_series(1, length(n) - 1) AS i)
           END
    FROM (SELECT merchant_norm($1) AS n) AS normalized;
END;
