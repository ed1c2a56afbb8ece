-- One signal as product_signals_list shows it (any age): the view of migration 0042.
SELECT * FROM product_signals_shown WHERE id = $1
