"""Run a command and print its peak resident memory on stderr (PEAK_RSS_KB n).

`python -m bench.suite.peak tracker export ...`: a fresh process per measured command,
so RUSAGE_CHILDREN holds that command's peak alone."""

from __future__ import annotations

import resource
import subprocess
import sys


def main() -> None:
    """Run argv[1:], pass its exit status on, report its peak RSS."""
    status = subprocess.call(sys.argv[1:])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    sys.stderr.write(f"PEAK_RSS_KB {peak}\n")
    sys.exit(status)


if __name__ == "__main__":
    main()
