-- The type of the consumer's identity document (issue 16): the mainland resident ID, or a passport, the
-- permits of Hong Kong, Macau and Taiwan residents, a foreigner's permanent residence card
-- (domain/identity_documents.py IdType). Numbers recorded before the types existed are resident IDs.
ALTER TABLE case_consumers
    ADD COLUMN id_type text CHECK (id_type IN (
        'resident_id', 'passport', 'hk_macau_permit', 'taiwan_permit', 'foreign_permanent_resident'
    ));
UPDATE case_consumers SET id_type = 'resident_id' WHERE id_number IS NOT NULL;
-- A type says what the number is; a number whose type is not recorded is read as a resident ID.
ALTER TABLE case_consumers ADD CONSTRAINT case_consumers_id_type_needs_number
    CHECK (id_type IS NULL OR id_number IS NOT NULL);
COMMENT ON COLUMN case_consumers.id_type IS 'the identity document of id_number (domain.identity_documents.IdType)';
