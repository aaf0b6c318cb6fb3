"""Measure extraction against the seed events, PLOVER gold records and ACLED notes.

`make eval-extraction` runs this and writes bench/EXTRACTION.md; the work is in the
`extraction_eval` package beside this file (`--help` lists the options)."""

from __future__ import annotations

import sys

from extraction_eval.cli import main

if __name__ == "__main__":
    sys.exit(main())
