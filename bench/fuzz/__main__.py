"""`python -m bench.fuzz`: the hostile-request campaign on SQLite and PostgreSQL.

Each backend gets a fresh database (seed events plus generated ones), a gunicorn
server and `--requests` hostile requests; the summary is printed and written as
JSON. The exit status is 1 when any backend saw a response >= 500, a request left
unanswered, a traceback or a worker timeout in the server log, a table count
changed by a refused request, a security expectation broken, or a dead server."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.fuzz import campaign
from bench.fuzz.server import (
    first_traceback_lines,
    log_problems,
    prepare_database,
    scratch_database,
    serve,
)


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    """Prepare, serve and attack one backend; its summary."""
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{backend}-") as scratch:
        folder = Path(scratch)
        with scratch_database(backend, folder) as url:
            prepare_database(url, folder, args.events)
            with serve(url, folder, args.workers, args.server_threads) as served:
                findings = campaign.run(
                    served.base, url, args.requests, args.seed, args.threads
                )
                alive = served.alive()
                memory = served.worker_memory_mb()
            log_text = served.log.read_text(errors="replace")
    # Kept beside the summary: the fixes are checked against its tracebacks.
    (args.output / f"{backend}-server.log").write_text(log_text)
    result = {
        "backend": backend,
        "seed": args.seed,
        "events": args.events,
        "server": f"gunicorn gthread, {args.workers} workers x "
        f"{args.server_threads} threads; {args.threads} client threads",
        **campaign.summary(findings),
        "log": log_problems(log_text),
        "traceback_lines": first_traceback_lines(log_text),
        "server_alive": alive,
        "worker_rss_mb_now_and_peak": memory,
    }
    result["failures"] = failures(result, args.workers)
    return result


def failures(result: dict[str, Any], workers: int) -> list[str]:
    """What makes this run fail, in words (empty: it passed)."""
    found = []
    if result["server_errors"]:
        found.append(f"{result['server_errors']} responses >= 500 or unanswered")
    if result["log"]["tracebacks"]:
        found.append(f"{result['log']['tracebacks']} tracebacks in the server log")
    if result["log"]["worker timeouts"]:
        found.append(f"{result['log']['worker timeouts']} worker timeouts")
    if result["log"]["worker boots"] > workers:
        found.append("a worker died and was restarted")
    if result["count_changes_by_refused_requests"]:
        found.append("table counts changed by refused requests")
    if result["unexpected"]:
        found.append(f"{len(result['unexpected'])} security expectations broken")
    if not result["server_alive"]:
        found.append("the server no longer answers")
    return found


def print_summary(result: dict[str, Any]) -> None:
    """The figures a person reads first, then the examples."""

    def write(text: str) -> None:
        # Requests may hold lone surrogates: shown escaped, never a crash.
        sys.stdout.write(text.encode("utf-8", "backslashreplace").decode("utf-8"))

    write(
        f"\n== {result['backend']}: {result['requests']:,} hostile requests in "
        f"{result['seconds']:,} s ({result['server']}) ==\n"
    )
    for family, statuses in result["by_family"].items():
        total = sum(statuses.values())
        spread = " ".join(f"{k}:{v}" for k, v in statuses.items())
        write(f"  {family:<26} {total:>6,}   {spread}\n")
    write(
        f"  responses >= 500 or unanswered: {result['server_errors']}\n"
        f"  retried once on a new connection: {result['retried_on_new_connection']}\n"
        f"  tracebacks in the server log:   {result['log']['tracebacks']}\n"
        f"  counts changed by refused requests: "
        f"{len(result['count_changes_by_refused_requests'])}\n"
        f"  writes accepted (200):          {len(result['accepted_writes'])}\n"
        f"  security expectations broken:   {len(result['unexpected'])}\n"
        f"  server alive:                   {result['server_alive']}\n"
        f"  worker RSS MB (now, peak):      {result['worker_rss_mb_now_and_peak']}\n"
    )
    for example in result["server_error_examples"]:
        write(f"  ! {example['status']} {example['request'][:200]}\n")
    for line in result["traceback_lines"]:
        write(f"  ! log: {line[:200]}\n")
    for note in result["count_changes_by_refused_requests"] + result["unexpected"]:
        write(f"  ! {note[:200]}\n")
    verdict = (
        "FAILED: " + "; ".join(result["failures"]) if result["failures"] else "passed"
    )
    write(f"  {verdict}\n")


def main(argv: list[str] | None = None) -> int:
    """Run the campaign on the chosen backends; 0 when every one passed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--backend", choices=("sqlite", "postgresql", "both"), default="both"
    )
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument(
        "--events",
        type=int,
        default=3000,
        help="generated events beside the seed events",
    )
    parser.add_argument("--threads", type=int, default=4, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--server-threads", type=int, default=8, help="threads per gunicorn worker"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=Path("bench/.fuzz"),
        help="folder for the JSON summaries",
    )
    args = parser.parse_args(argv)
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    args.output.mkdir(parents=True, exist_ok=True)
    failed = False
    for backend in backends:
        result = run_backend(backend, args)
        (args.output / f"{backend}.json").write_text(json.dumps(result, indent=1))
        print_summary(result)
        failed = failed or bool(result["failures"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
