-- Issue 18 §2 (DESIGN §2.9): the open dataset. One frozen file per month and version, like the monthly return
-- (0013): the rows as published (k-anonymous, no personal data, free text or exact dates), the k of the
-- disclosure policy in force (0035), the counts of rows generalised and suppressed, and the content hash. A
-- month's file is made once (the first public reader or the hourly job, under an advisory lock per month);
-- a restatement adds version n+1 with its reason and the rows added and removed; no version is ever edited.
CREATE TABLE open_data_files (
    month                    date NOT NULL CHECK (extract(day FROM month) = 1),
    version                  integer NOT NULL CHECK (version >= 1),
    dictionary               text NOT NULL,           -- domain.open_data.DICTIONARY_VERSION
    k                        integer NOT NULL CHECK (k >= 1),
    columns                  text[] NOT NULL,
    rows                     jsonb NOT NULL,          -- an array of arrays, each in `columns` order
    content_hash             text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
    rows_in                  integer NOT NULL CHECK (rows_in >= 0),
    row_count                integer NOT NULL CHECK (row_count >= 0),
    generalised_merchant     integer NOT NULL CHECK (generalised_merchant >= 0),
    generalised_category     integer NOT NULL CHECK (generalised_category >= 0),
    generalised_subdistrict  integer NOT NULL CHECK (generalised_subdistrict >= 0),
    suppressed               integer NOT NULL CHECK (suppressed >= 0),
    created_at               timestamptz NOT NULL,
    created_by               text NOT NULL,
    restatement_of           integer,
    changes                  jsonb,                   -- {"added": n, "removed": n} against restatement_of
    reason                   text CHECK (reason IS NULL OR char_length(reason) BETWEEN 1 AND 500),
    -- one version 1 per month, and each restatement follows the version before it
    PRIMARY KEY (month, version),
    CHECK ((version = 1) = (restatement_of IS NULL)),
    CHECK (restatement_of IS NULL OR restatement_of = version - 1),
    CHECK (rows_in = row_count + suppressed),
    CHECK (generalised_merchant + generalised_category + generalised_subdistrict <= row_count),
    CHECK (jsonb_typeof(rows) = 'array' AND jsonb_array_length(rows) = row_count)
);

-- A published file is a snapshot: never edited, never removed (a restatement is a new version).
CREATE FUNCTION open_data_files_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'open_data_files are frozen: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER open_data_files_no_update BEFORE UPDATE OR DELETE ON open_data_files
    FOR EACH ROW EXECUTE FUNCTION open_data_files_frozen();
