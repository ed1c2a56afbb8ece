-- Finding the merchant a consumer names (issue 12, DESIGN §2.5 item 6): a ranked search of the registry.
--
-- The scoring is pure Python (domain/merchant_match.py). The database only prefilters candidates, by
-- character bigrams of the normalized name and address in GIN-indexed arrays. pg_trgm is not used: the
-- embedded PostgreSQL (pgserver) ships without it, and its space-delimited trigrams score Chinese
-- abbreviations at zero (similarity('恒达电器', '杭州恒达家用电器有限公司') = 0).

-- Mirrors domain.merchant_match.normalize: NFKC (full- and half-width forms agree), lower case, no white
-- space or punctuation.
CREATE FUNCTION merchant_norm(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN regexp_replace(lower(normalize($1, NFKC)),
                          '[[:space:]()\[\]{}<>（）【】〔〕《》「」『』"''“”‘’.,，。、·・:：;；!！?？—–_/\\&＋+*#-]',
                          '', 'g');

-- Mirrors domain.merchant_match.bigrams: the distinct character bigrams (a one-character text is its own).
CREATE FUNCTION merchant_grams(text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT CASE WHEN length(n) < 2 THEN ARRAY[n]
                ELSE ARRAY(SELECT DISTINCT substr(n, i, 2) FROM generate_series(1, length(n) - 1) AS i)
           END
    FROM (SELECT merchant_norm($1) AS n) AS normalized
$$;

CREATE INDEX merchants_name_grams_idx ON merchants USING gin (merchant_grams(name));
CREATE INDEX merchants_address_grams_idx ON merchants USING gin (merchant_grams(address));

-- A duplicate (an unverified merchant made from a complaint) merged into the registered one: kept for
-- the history, never matched, suggested or listed again.
ALTER TABLE merchants
    ADD COLUMN merged_into bigint REFERENCES merchants (id),
    ADD COLUMN merged_at   timestamptz,
    ADD CONSTRAINT merchants_not_merged_into_self CHECK (merged_into IS NULL OR merged_into <> id);

-- The candidates a person must choose from while the case is in 'merchant_to_confirm' (NULL otherwise).
ALTER TABLE cases ADD COLUMN merchant_candidates jsonb;
CREATE INDEX cases_merchant_to_confirm_idx ON cases (received_on) WHERE status = 'merchant_to_confirm';

-- The match decision's thresholds (out of 100) are routing policy, versioned with it.
ALTER TABLE routing_policies
    ADD COLUMN merchant_match_confident integer NOT NULL DEFAULT 80
        CHECK (merchant_match_confident BETWEEN 1 AND 100),
    ADD COLUMN merchant_match_plausible integer NOT NULL DEFAULT 45
        CHECK (merchant_match_plausible BETWEEN 1 AND 100),
    ADD COLUMN merchant_match_margin    integer NOT NULL DEFAULT 15
        CHECK (merchant_match_margin BETWEEN 0 AND 100),
    ADD CONSTRAINT routing_policies_match_order CHECK (merchant_match_plausible <= merchant_match_confident);
