"""Benchmarks: only with BENCH=1 (`make bench`); they print figures and check only that work succeeded."""
