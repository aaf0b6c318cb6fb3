"""The million-event benchmark suite (issue #7): one module per benchmark.

`bench/run_benchmarks.py` runs them all and writes bench/RESULTS.md; each module's
`run_*` function returns `Figure`s (from `measuring`), measured beside the reference
they are compared with, in the same run."""
