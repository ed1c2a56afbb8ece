-- Documents say what the parties agreed (issue 12 §3).
--
-- An offer asks for a performance date; accepting it drafts the 调解书 from the offer's terms, the
-- mediator reviews the draft (the wording both parties confirmed, the performance date) and issues it,
-- and the settlement takes effect as each party confirms it (tracking page, merchant link, or recorded
-- by the mediator: on site, by phone, or a signature on paper). Settlements made before this migration
-- were issued and signed on paper under the old procedure: they read as issued and confirmed.
--
-- The rule set carries the articles its notices cite (non-acceptance grounds, termination reasons), like
-- its limits: Order 20 numbers them differently from Order 121.

ALTER TABLE offers ADD COLUMN perform_by date;  -- the performance date the proposal asks for (optional)

ALTER TABLE settlements
    ADD COLUMN status                  text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued')),
    ADD COLUMN wording                 text,          -- the mediator's confirmed wording (其他约定)
    ADD COLUMN issued_at               timestamptz,
    ADD COLUMN issued_by               bigint REFERENCES staff_users (id),
    ADD COLUMN consumer_confirmed_at   timestamptz,
    ADD COLUMN consumer_confirmed_via  text,
    ADD COLUMN merchant_confirmed_at   timestamptz,
    ADD COLUMN merchant_confirmed_via  text;

UPDATE settlements
SET status = 'issued', issued_at = created_at, issued_by = created_by,
    consumer_confirmed_at = created_at, consumer_confirmed_via = 'before_review',
    merchant_confirmed_at = created_at, merchant_confirmed_via = 'before_review';

ALTER TABLE settlements
    ADD CONSTRAINT settlements_confirm_via CHECK (
        consumer_confirmed_via IN ('tracking', 'on_site', 'phone', 'signature', 'before_review')
        AND merchant_confirmed_via IN ('merchant_link', 'on_site', 'phone', 'signature', 'before_review')),
    ADD CONSTRAINT settlements_confirmed_when_issued CHECK (
        status = 'issued' OR (consumer_confirmed_at IS NULL AND merchant_confirmed_at IS NULL));

-- A settlement's performance is watched only once both parties confirmed it (it took effect).
DROP INDEX settlements_pending_idx;
CREATE INDEX settlements_pending_idx ON settlements (perform_by)
    WHERE performance = 'pending' AND superseded_at IS NULL
      AND consumer_confirmed_at IS NOT NULL AND merchant_confirmed_at IS NOT NULL;

-- {"title": "…", "non_acceptance": {"article": "第十五条", "items": {"<ground>": <item>}},
--  "termination": {"article": "第二十六条", "items": {"<reason>": <item>}}}; the codes are Order 121's.
ALTER TABLE rule_sets ADD COLUMN citations jsonb;

UPDATE rule_sets SET citations = '{
  "title": "市场监督管理投诉举报处理暂行办法",
  "non_acceptance": {"article": "第十五条", "items": {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 5, "7": 6}},
  "termination": {"article": "第二十六条", "items": {"1": 1, "2": 3, "3": 4, "4": 2, "5": 5, "6": 6, "7": 7, "8": 7}}
}'::jsonb WHERE id = 'order20';

UPDATE rule_sets SET citations = '{
  "title": "市场监督管理投诉举报处理办法",
  "non_acceptance": {"article": "第十六条", "items": {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7}},
  "termination": {"article": "第二十三条", "items": {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7, "8": 8}}
}'::jsonb WHERE id = 'order121';

-- a rule set added later must say what it cites
UPDATE rule_sets SET citations = '{}'::jsonb WHERE citations IS NULL;
ALTER TABLE rule_sets ALTER COLUMN citations SET NOT NULL;
