-- Linking a complaint to the registry by name and address: both compared by one key (NFKC, so
-- full-width and half-width forms agree; no white space; lower case), with an index to find it.

CREATE FUNCTION merchant_key(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN lower(regexp_replace(normalize($1, NFKC), '\s+', '', 'g'));

CREATE INDEX merchants_name_address_key_idx ON merchants (merchant_key(name), merchant_key(address));
