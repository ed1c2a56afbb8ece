-- The active queues, in the order a case tries them.
SELECT code, subdistricts, categories, sort, active FROM queues WHERE active ORDER BY sort, code
