-- In the statistics snapshot: the server's local day when it was taken (days two before it may be rolled up).
SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date
