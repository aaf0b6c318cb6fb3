"""Outside formats, one module or package each: rows of a file <-> event records."""
