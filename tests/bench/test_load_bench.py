"""The load benchmark's arithmetic: which callbacks ran during an export, what counts
as an error, how a filter change rewrites a recorded callback. The load itself
(gunicorn, Chromium, an importer) is left to running the benchmark."""

from __future__ import annotations

import csv
import json

from bench.generate_acled import rows
from bench.suite.http_bench import Callback
from bench.suite.load_bench import (
    Answer,
    ImportRun,
    figures_of,
    with_filter,
    write_import_file,
)
from tracker.query.filters import EventFilter


def callback(started: float, seconds: float, status: int | str = 200) -> Answer:
    return Answer("callback", "timeline-score", started, seconds, status)


def test_a_filter_change_rewrites_every_search_value_and_nothing_else():
    body = {
        "output": "timeline-score.figure",
        "inputs": [
            {"id": "app-url", "property": "search", "value": "?countries=UKR"},
            {"id": "app-url", "property": "pathname", "value": "/"},
        ],
        "state": [{"id": "app-url", "property": "search", "value": ""}],
    }
    recorded = Callback("timeline-score", "/_dash-update-component", json.dumps(body))
    changed = json.loads(with_filter(recorded, EventFilter(countries=("RUS",))).body)
    assert changed["inputs"][0]["value"] == "?countries=RUS"
    assert changed["state"][0]["value"] == "?countries=RUS"
    assert changed["inputs"][1] == body["inputs"][1]
    assert changed["output"] == body["output"]


def test_figures_set_callbacks_during_an_export_against_those_apart():
    export = Answer("export", "/export.csv", 10.0, 10.0, 200)  # from 10 s to 20 s
    answers = [
        callback(1.0, 0.1),
        callback(2.0, 0.3),
        callback(9.9, 0.2),  # ends during the export
        callback(15.0, 0.4),
        callback(30.0, 0.2, status="ReadError"),  # no answer: an error, not timed
        Answer("page", "/", 31.0, 0.1, 503),
        export,
    ]
    imported = ImportRun(60.0, None, "")
    errors, p95, slowdown, exports, per_minute = figures_of(answers, imported, 60, 8)
    assert errors.value == 2
    assert "callback ReadError" in errors.what and "page 503" in errors.what
    assert p95.samples.values == (0.1, 0.3, 0.2, 0.4)
    # During: 0.2 and 0.4 (median 0.3); apart: 0.1 and 0.3 (median 0.2).
    assert round(slowdown.value, 6) == 1.5
    assert slowdown.met
    assert exports.samples.values == (10.0,)
    assert per_minute.value == 7
    assert "still running after 60 s, stopped" in per_minute.notes[0]


def test_the_import_file_has_only_ids_no_earlier_file_used(tmp_path):
    path = write_import_file(50, tmp_path / "load.csv")
    with path.open(encoding="utf-8") as handle:
        written = [row["event_id_cnty"] for row in csv.DictReader(handle)]
    assert len(written) == 50
    assert not set(written) & {row["event_id_cnty"] for row in rows(50)}
