-- The language the consumer filed in (the public page's, or the API body's `locale`): notices to that
-- consumer are written in it. Cases filed before it existed, and by staff, are Chinese.
ALTER TABLE case_consumers
    ADD COLUMN locale text NOT NULL DEFAULT 'zh_CN' CHECK (locale IN ('zh_CN', 'en'));
COMMENT ON COLUMN case_consumers.locale IS 'the consumer''s language for pages and notices (service/i18n.py LOCALES)';
