"""The hostile-request campaign, a seeded few hundred requests, on both backends.

The dashboard runs under gunicorn as in production (bench/fuzz/server.py); the
campaign is `make fuzz`'s, shortened (bench/fuzz/campaign.py). What
must hold: no response >= 500, no traceback in the server log, no refused request
changes a table count, a tampered cookie never gets in, the server stays up; and the
three bad requests issue #18 found are regressions here, over real HTTP."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.exc import OperationalError

from bench.fuzz import campaign, files
from bench.fuzz.bodies import UPDATE_PATH
from bench.fuzz.server import (
    EDITOR,
    log_problems,
    prepare_database,
    scratch_database,
    serve,
)
from tests.conftest import BACKENDS, postgres_unavailable

REQUESTS = 200
SEED = 18


@pytest.fixture(scope="module", params=BACKENDS)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str, Path]]:
    """(base URL, database URL, server log) of gunicorn over a seeded database."""
    folder = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    try:
        database = scratch_database(request.param, folder)
        url = database.__enter__()
    except OperationalError as error:
        postgres_unavailable(f"cannot reach PostgreSQL: {error.orig}")
    try:
        prepare_database(url, folder, events=100)
        with serve(url, folder, workers=1, threads=4) as server:
            yield server.base, url, server.log
    finally:
        database.__exit__(None, None, None)


@pytest.fixture(scope="module")
def findings(served: tuple[str, str, Path]) -> campaign.Findings:
    """What the seeded subset of the campaign got."""
    base, url, _log = served
    return campaign.run(base, url, REQUESTS, SEED, threads=2)


def test_campaign_subset_sends_every_family(findings: campaign.Findings):
    assert len(findings.answers) >= REQUESTS
    assert set(findings.by_family()) >= {
        "filters: export URL",
        "filters: page URL",
        "filters: stored filter",
        "filters: panel values",
        "event ids",
        "callbacks: reads",
        "callbacks: writes",
        "uploads",
        "login and cookies",
    }
    # The valid bodies the campaign mutates are ones the app accepts.
    refused = [f"{a.status} {a.request}" for a in findings.baseline if a.status > 204]
    assert refused == []


def test_campaign_subset_refused_requests_change_no_table(findings):
    assert findings.count_changes == []
    assert findings.counts_after == findings.counts_before


def test_campaign_subset_tampered_cookies_and_forged_logins_get_nowhere(findings):
    assert [a.unexpected for a in findings.unexpected()] == []


def test_campaign_subset_leaves_the_server_alive(served, findings):
    base, _url, _log = served
    assert httpx.get(base + "/login", timeout=30).status_code == 200


def test_campaign_subset_gets_no_server_error(findings):
    errors = [f"{a.status} {a.request}" for a in findings.server_errors()]
    assert errors == []


def test_campaign_subset_leaves_no_traceback_in_the_log(served, findings):
    assert log_problems(served[2].read_text())["tracebacks"] == 0


# Regressions of issue #18, over real HTTP against gunicorn.


def _editor(base: str) -> httpx.Client:
    return httpx.Client(
        base_url=base, timeout=60, cookies={"session": campaign.log_in(base, EDITOR)}
    )


@pytest.mark.parametrize("value", ["%C2%B2", "99999999999999999999999"])
def test_export_with_a_bad_min_fatalities_is_refused_not_a_server_error(served, value):
    with _editor(served[0]) as client:
        answer = client.get(f"/export.csv?min_fatalities={value}")
    assert answer.status_code == 400


def test_bare_cr_acled_upload_dry_run_is_not_a_server_error(served):
    bare_cr = files.acled_csv().replace("\n", "\r").encode()
    with _editor(served[0]) as client:
        target = campaign.read_target(served[0], client.cookies["session"])
        upload = target.body("import-upload")
        upload["inputs"][0]["value"] = "data:text/csv;base64," + base64.b64encode(
            bare_cr
        ).decode("ascii")
        upload["state"][0]["value"] = "acled-bare-cr.csv"
        stored = client.post(UPDATE_PATH, json=upload)
        assert stored.status_code == 200
        data = stored.json()["response"]["import-uploaded"]["data"]
        dry_run = target.body("import-uploaded")
        dry_run["inputs"][0]["value"] = data
        dry_run["inputs"][1]["value"] = "auto"
        answer = client.post(
            UPDATE_PATH,
            content=json.dumps(dry_run).encode(),
            headers={"Content-Type": "application/json"},
        )
    assert answer.status_code == 200
