"""Measured extraction quality: gold sets, scoring and the EXTRACTION.md report.

`make eval-extraction` runs `bench/eval_extraction.py`, which calls `cli.main`. The
gold files are read from ../shared at run time only; nothing of them is copied into
the repository (ACLED's terms forbid redistribution)."""
