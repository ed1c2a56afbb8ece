-- The business's own words in the first-payment flow, for the arbitration bundle.
SELECT merchant_note FROM first_payments WHERE case_id = $1
