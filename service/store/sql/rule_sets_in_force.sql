-- The rule set in force on a date (the latest that took effect by then); before the first, the earliest.
SELECT * FROM rule_sets ORDER BY effective_from <= $1 DESC, abs($1 - effective_from) LIMIT 1
