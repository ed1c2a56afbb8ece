-- The names of the consumers who complained of merchant $1: a public reply must not name them.
SELECT DISTINCT cc.name FROM cases c JOIN case_consumers cc ON cc.case_id = c.id WHERE c.merchant_id = $1
