"""What every benchmark shares: samples and their statistics, figures with their
target and reference, peak memory of a child process, and the machine's description."""

from __future__ import annotations

import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


@dataclass(frozen=True)
class Samples:
    """Repeated measurements of one thing, in one unit."""

    values: tuple[float, ...]
    unit: str  # "ms", "s", "rows/s", "MB"

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    @property
    def p95(self) -> float:
        """The 95th percentile by nearest rank (the highest value below 20 runs)."""
        ordered = sorted(self.values)
        rank = max(1, -(-95 * len(ordered) // 100))
        return ordered[rank - 1]


@dataclass
class Figure:
    """One line of RESULTS.md: a measurement, its target, and the reference's.

    `statistic` is the figure the target is about ("median", "p95", "high");
    `higher_is_better` says which way the target and the ratio point."""

    benchmark: str
    what: str
    samples: Samples
    statistic: str = "median"
    target: float | None = None
    target_text: str = ""
    higher_is_better: bool = False
    reference: Samples | None = None
    reference_name: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def value(self) -> float:
        return getattr(self.samples, self.statistic)

    @property
    def reference_value(self) -> float | None:
        if self.reference is None:
            return None
        return getattr(self.reference, self.statistic)

    @property
    def ratio(self) -> float | None:
        """Ours over the reference's, in the unit's direction (>1: we are better)."""
        reference = self.reference_value
        if reference is None or reference == 0 or self.value == 0:
            return None
        if self.higher_is_better:
            return self.value / reference
        return reference / self.value

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        if self.higher_is_better:
            return self.value >= self.target
        return self.value <= self.target


def time_calls(call: Callable[[], object], runs: int, *, warmup: int = 1) -> Samples:
    """Milliseconds per call of `call`, `runs` times after `warmup` unmeasured calls."""
    for _ in range(warmup):
        call()
    values = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        values.append((time.perf_counter() - started) * 1000)
    return Samples(tuple(values), "ms")


@dataclass(frozen=True)
class ChildRun:
    """A finished child process: wall-clock seconds and peak resident memory."""

    seconds: float
    peak_mb: float
    stdout: str


def run_child(command: Sequence[str], *, env: dict[str, str] | None = None) -> ChildRun:
    """Run a command to its end, measuring its time and its own peak RSS (wait4)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        list(command),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
        text=True,
    )
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    # RUSAGE_CHILDREN's peak is the largest of every child reaped so far, so a
    # command whose own peak matters runs under `peak_wrapped`, which reports it.
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{stdout}\n{stderr}")
    return ChildRun(seconds, _peak_from(stderr), stdout)


def _peak_from(stderr: str) -> float:
    for line in reversed(stderr.splitlines()):
        if line.startswith("PEAK_RSS_KB "):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_wrapped(command: Sequence[str]) -> list[str]:
    """`command` run under `bench.suite.peak`, which prints the child's peak RSS."""
    return [sys.executable, "-m", "bench.suite.peak", *command]


def own_children_peak_kb() -> int:
    """The largest peak RSS of any reaped child of this process, in KiB (Linux)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def process_memory_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a running process, in MB, from /proc."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", float("nan")), values.get("VmHWM", float("nan"))


def _package(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, str]:
    """Cores, memory, load and the versions that shape the figures."""
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    cpu = next(
        (
            line.partition(":")[2].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    packages = ("sqlalchemy", "sqlmodel", "pandas", "dash", "duckdb", "datasette")
    return {
        "CPU": f"{os.cpu_count()} cores, {cpu}",
        "memory": f"{memory_kb / 1024 / 1024:.1f} GiB",
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        **{name: _package(name) for name in packages},
    }
