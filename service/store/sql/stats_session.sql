-- For the rest of the statistics transaction: no JIT. Compiling these aggregates took 2–3 s of a 3–10 s
-- query over a month of a million cases, more than it saved (tests/bench/test_statistics_bench.py).
-- (A larger work_mem was tried and made it slower: the planner then chose unparallelled hash joins.)
SELECT set_config('jit', 'off', true)
