-- Who can be told about a case, and where: the consumer, the merchant (once linked), the mediator.
-- Each party's contacts are named as the channels' contact fields ('email', 'phone'); the consumer's
-- language is the one they filed in.
SELECT c.id, c.tracking_no, c.merchant_id, c.assigned_to, c.acceptance_due,
       cc.email AS consumer_email, cc.phone AS consumer_phone, coalesce(cc.locale, 'zh_CN') AS consumer_locale,
       m.contact_email AS merchant_email, m.contact_phone AS merchant_phone
FROM cases c
LEFT JOIN case_consumers cc ON cc.case_id = c.id
LEFT JOIN merchants m ON m.id = c.merchant_id
WHERE c.id = $1
