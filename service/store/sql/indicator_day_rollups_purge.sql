-- Day rollups and logged changes of days before $1 (the running month's first): their month's rollup
-- serves them now.
WITH rollups AS (DELETE FROM indicator_day_rollups WHERE day < $1)
DELETE FROM indicator_day_rollup_changes WHERE day < $1
