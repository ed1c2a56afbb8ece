-- For the rest of the statistics transaction: no JIT (compiling these aggregates took 2–3 s of a 3–10 s
-- query over a month of a million cases, more than it saved) and room for the month's sorts and hashes in
-- memory instead of temporary files (one statistics transaction runs at a time).
SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)
