"""Run the campaign against a served dashboard and sum up what it found.

Read-only families run from several client threads at once, as a crowd would; the
table counts are read after every block of requests, and any change there is a
failure (none of those requests may write). Callbacks that can write (a click on
Save, Import, Merge, Restore...) run one at a time afterwards, with the counts read
before and after each: a change after a refused request (any answer but 200, or
any request of the viewer) is a partial write."""

from __future__ import annotations

import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.fuzz import probes
from bench.fuzz.bodies import (
    PAGES_OUTPUT,
    UPDATE_PATH,
    callbacks,
    components,
    valid_body,
)
from bench.fuzz.probes import Answer, Clients, Target
from bench.fuzz.server import EDITOR, PASSWORD, TARGET, VIEWER, TableCounter

Probe = Callable[[random.Random, Target, Clients], list[Answer]]
# (weight, probe) of the families run concurrently; their requests never write.
FAMILIES: tuple[tuple[int, Probe], ...] = (
    (14, probes.export_url),
    (12, probes.page_url),
    (12, probes.stored_filter),
    (12, probes.panel_values),
    (6, probes.event_paths),
    (22, lambda rng, t, c: probes.callback_bodies(rng, t, c, writes=False)),
    (10, probes.upload_files),
    (5, probes.tampered_requests),
    (3, probes.login_posts),
    (3, probes.logout_posts),
)
WRITE_SHARE = 0.1  # of the requests: write callbacks, one at a time
BLOCK = 200  # probes between two reads of the table counts
PAGES = (
    "/",
    "/map",
    "/events",
    "/events/new",
    "/import",
    "/review",
    "/events/1",
    "/events/1/edit",
)


@dataclass
class Findings:
    """Everything the campaign saw."""

    answers: list[Answer] = field(default_factory=list)
    baseline: list[Answer] = field(default_factory=list)
    count_changes: list[str] = field(default_factory=list)
    accepted_writes: list[str] = field(default_factory=list)
    counts_before: dict[str, int] = field(default_factory=dict)
    counts_after: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def server_errors(self) -> list[Answer]:
        """Answers >= 500, and requests that got no (complete) answer."""
        return [
            a for a in self.answers if a.sent and (a.status is None or a.status >= 500)
        ]

    def unexpected(self) -> list[Answer]:
        """Answers that broke a security expectation (a tampered cookie let in)."""
        return [a for a in self.answers if a.unexpected]

    def by_family(self) -> dict[str, Counter]:
        """Status counts per family."""
        families: dict[str, Counter] = {}
        for answer in self.answers:
            families.setdefault(answer.family, Counter())[answer.status] += 1
        return families


def log_in(base: str, username: str) -> str:
    """Log in through the form; the session cookie's value."""
    with httpx.Client(base_url=base, timeout=60) as client:
        page = client.get("/login")
        token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
        answer = client.post(
            "/login",
            data={"username": username, "password": PASSWORD, "token": token},
        )
        if answer.status_code != 302:
            raise RuntimeError(f"cannot log in as {username}: {answer.status_code}")
        return client.cookies["session"]


def read_target(base: str, editor_cookie: str) -> Target:
    """The app's callbacks and a valid body for each, from its layouts."""
    with httpx.Client(
        base_url=base, timeout=120, cookies={"session": editor_cookie}
    ) as c:
        found = callbacks(c.get("/_dash-dependencies").json())
        layout = list(components(c.get("/_dash-layout").json()))
        pages = next(cb for cb in found if cb.output == PAGES_OUTPUT)
        for path in PAGES:
            body = valid_body(pages, layout)
            body["inputs"][0]["value"] = path
            body["inputs"][1]["value"] = ""
            page = c.post(UPDATE_PATH, json=body)
            page.raise_for_status()
            tree = page.json()["response"]["_pages_content"]["children"]
            known = {repr(p["id"]) for p in layout}
            layout += [p for p in components(tree) if repr(p["id"]) not in known]
    bodies = {cb.output: valid_body(cb, layout) for cb in found}
    # The browser sends the address it is at; the layout holds no value for it.
    bodies[PAGES_OUTPUT]["inputs"][0]["value"] = "/"
    bodies[PAGES_OUTPUT]["inputs"][1]["value"] = ""
    return Target(base, found, bodies, editor_cookie, PASSWORD, EDITOR, TARGET)


def send_baseline(target: Target, clients: Clients) -> list[Answer]:
    """Each callback's valid body once: the body builder speaks Dash's language."""
    return [
        probes.post_callback(
            clients.editor, "baseline", cb.name, target.bodies[cb.output]
        )
        for cb in target.callbacks
    ]


def make_clients(target: Target, viewer_cookie: str) -> Clients:
    """A thread's clients: editor, viewer and anonymous."""

    def client(cookie: str | None) -> httpx.Client:
        cookies = {"session": cookie} if cookie else None
        return httpx.Client(base_url=target.base, timeout=180, cookies=cookies)

    return Clients(client(target.editor_cookie), client(viewer_cookie), client(None))


def run(
    base: str, database_url: str, requests: int, seed: int, threads: int
) -> Findings:
    """Send about `requests` hostile requests; what they got and what changed."""
    started = time.monotonic()
    target = read_target(base, log_in(base, EDITOR))
    viewer_cookie = log_in(base, VIEWER)
    counter = TableCounter(database_url)
    findings = Findings()
    local = threading.local()

    def clients() -> Clients:
        if not hasattr(local, "clients"):
            local.clients = make_clients(target, viewer_cookie)
        return local.clients

    def probe(number: int) -> list[Answer]:
        rng = random.Random(f"{seed}-{number}")
        weights, families = zip(*FAMILIES, strict=True)
        chosen = rng.choices(families, weights)[0]
        answers = chosen(rng, target, clients())
        for answer in answers:
            answer.request = f"#{number} {answer.request}"
        return answers

    try:
        findings.baseline = send_baseline(target, clients())
        counts = findings.counts_before = counter.counts()
        reads_wanted = int(requests * (1 - WRITE_SHARE))
        number = 0
        with ThreadPoolExecutor(threads) as pool:
            while len(findings.answers) < reads_wanted:
                size = min(BLOCK, reads_wanted - len(findings.answers))
                block = range(number, number + size)
                number += size
                for answers in pool.map(probe, block):
                    findings.answers.extend(answers)
                now = counter.counts()
                if now != counts:
                    findings.count_changes.append(
                        f"probes #{block.start}-#{block.stop - 1}: {_diff(counts, now)}"
                    )
                    counts = now
        writes = clients()
        for _ in range(requests - reads_wanted):
            rng = random.Random(f"{seed}-{number}")
            answers = probes.callback_bodies(rng, target, writes, writes=True)
            now = counter.counts()
            for answer in answers:
                answer.request = f"#{number} {answer.request}"
                findings.answers.append(answer)
            if now != counts:
                refused = any(
                    a.status != 200 or "(viewer)" in a.request for a in answers
                )
                note = f"{answers[0].request}: {_diff(counts, now)}"
                (
                    findings.count_changes if refused else findings.accepted_writes
                ).append(note)
                counts = now
            number += 1
        findings.counts_after = counter.counts()
    finally:
        counter.close()
    findings.seconds = time.monotonic() - started
    return findings


def _diff(before: dict[str, int], after: dict[str, int]) -> str:
    return ", ".join(
        f"{name} {before.get(name)} -> {after.get(name)}"
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    )


def summary(findings: Findings) -> dict[str, Any]:
    """The figures of a run, for printing and for a JSON file."""
    errors = findings.server_errors()
    return {
        "requests": len(findings.answers),
        "seconds": round(findings.seconds, 1),
        "by_family": {
            family: {str(k): v for k, v in sorted(c.items(), key=lambda i: str(i[0]))}
            for family, c in sorted(findings.by_family().items())
        },
        "seconds_by_family": {
            family: round(
                sum(a.seconds for a in findings.answers if a.family == family)
            )
            for family in sorted({a.family for a in findings.answers})
        },
        "slowest": [
            f"{a.seconds:.1f} s {a.status} {a.request[:150]}"
            for a in sorted(findings.answers, key=lambda a: -a.seconds)[:10]
        ],
        "baseline_statuses": dict(Counter(str(a.status) for a in findings.baseline)),
        "baseline_errors": [
            f"{a.request}: {a.status} {a.excerpt[:200]}"
            for a in findings.baseline
            if a.status is None or a.status >= 500
        ],
        "server_errors": len(errors),
        "server_error_examples": [
            {
                "request": a.request,
                "status": a.status,
                "error": a.error,
                "excerpt": a.excerpt,
            }
            for a in _distinct(errors)[:15]
        ],
        "retried_on_new_connection": sum(a.retried for a in findings.answers),
        "unanswered": [
            f"{a.request[:150]}: {a.error}" for a in errors if a.status is None
        ][:20],
        "not_sent": [a.request[:150] for a in findings.answers if not a.sent][:20],
        "unexpected": [f"{a.request}: {a.unexpected}" for a in findings.unexpected()],
        "count_changes_by_refused_requests": findings.count_changes,
        "accepted_writes": findings.accepted_writes,
        "counts_before": findings.counts_before,
        "counts_after": findings.counts_after,
    }


def _distinct(answers: list[Answer]) -> list[Answer]:
    """One example per family and first words of the request."""
    seen: dict[tuple[str, str], Answer] = {}
    for answer in answers:
        key = (answer.family, " ".join(answer.request.split()[1:3]))
        seen.setdefault(key, answer)
    return list(seen.values())
