-- The disclosure policy in force on a day.
SELECT merchant_threshold, merchant_window_months, open_data_k,
       product_signal_merchants, product_signal_complaints, product_signal_window_days
FROM disclosure_policies
WHERE effective_from <= $1 ORDER BY effective_from DESC LIMIT 1
