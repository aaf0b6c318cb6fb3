"""The import pipeline on both backends: atomic, skip-invalid, dry run, idempotent,
set-based batches, with a report of line, column, value and reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from tracker.db import session_scope
from tracker.importing import ImportFailed, import_file
from tracker.matching.candidates import list_duplicate_candidates
from tracker.models import Actor, Event, EventActor, EventLink, Location, Source
from tracker.query.events import iter_event_records
from tracker.query.filters import EventFilter


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def counts(engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            t.__name__: session.execute(
                select(func.count()).select_from(t)
            ).scalar_one()
            for t in (Event, Actor, Location, Source, EventActor, EventLink)
        }


def run(engine, path: Path, **options):
    with session_scope(engine) as session:
        return import_file(session, path, **options)


def test_import_native_jsonl_adds_every_event_with_actors_places_sources_links(
    engine, seed_lines, tmp_path
):
    report = run(engine, write_lines(tmp_path / "seed.jsonl", seed_lines), batch_size=5)
    assert report.format == "native-jsonl" and report.detected
    assert (report.rows, report.added, report.rejected) == (12, 12, 0)
    assert report.written and len(report.event_ids) == 12
    after = counts(engine)
    assert after["Event"] == 12 and after["Location"] == 3 and after["Source"] == 1
    assert after["EventLink"] == 7
    with session_scope(engine) as session:
        [attack] = list(iter_event_records(session, EventFilter(min_fatalities=1)))
    assert (attack.children_killed, attack.date_precision) == (6, "week")
    assert {a["role"] for a in attack.actors} == {"initiator", "target"}


def test_importing_the_same_file_twice_changes_nothing(engine, seed_lines, tmp_path):
    path = write_lines(tmp_path / "seed.jsonl", seed_lines)
    run(engine, path)
    before = counts(engine)
    again = run(engine, path, batch_size=4)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 12)
    assert counts(engine) == before


def test_a_newer_export_updates_by_external_id_and_bumps_the_version(
    engine, seed_lines, tmp_path
):
    run(engine, write_lines(tmp_path / "v1.jsonl", seed_lines))
    records = [json.loads(line) for line in seed_lines]
    attack = next(r for r in records if r["children_killed"] == 6)
    attack["title"] = (
        "Ballistic-missile attack on a city kills 14, including 6 children"
    )
    attack["fatalities"]["high"] = 16
    report = run(
        engine, write_lines(tmp_path / "v2.jsonl", [json.dumps(r) for r in records])
    )
    assert (report.added, report.updated, report.unchanged) == (0, 1, 11)
    assert counts(engine)["Event"] == 12
    with session_scope(engine) as session:
        [attack] = list(iter_event_records(session, EventFilter(min_fatalities=1)))
    assert attack.version == 2 and attack.fatalities["high"] == 16
    assert attack.title.startswith("Ballistic-missile attack on a city")


def test_one_bad_row_in_the_middle_writes_nothing_and_reports_every_problem(
    engine, bad_seed_lines, tmp_path
):
    before = counts(engine)
    path = write_lines(tmp_path / "bad.jsonl", bad_seed_lines)
    with pytest.raises(ImportFailed) as caught:
        run(engine, path, batch_size=3)
    report = caught.value.report
    assert report.rejected == 2 and not report.written
    messages = [str(p) for p in report.problems]
    assert any(
        m.startswith("line 7, location.latitude:") and "123" in m for m in messages
    )
    assert any(
        m.startswith("line 8, event_type: unknown PLOVER event type") for m in messages
    )
    assert counts(engine) == before


def test_skip_invalid_writes_the_valid_rows_and_reports_the_rest(
    engine, bad_seed_lines, tmp_path
):
    path = write_lines(tmp_path / "bad.jsonl", bad_seed_lines)
    report = run(engine, path, mode="skip_invalid")
    assert (report.added, report.rejected) == (10, 2)
    assert counts(engine)["Event"] == 10
    # Two written events responded to the rejected attack: their links are reported.
    dangling = [p for p in report.problems if p.field.startswith("links")]
    assert len(dangling) == 2


def test_dry_run_counts_without_writing(engine, seed_lines, tmp_path):
    report = run(
        engine, write_lines(tmp_path / "seed.jsonl", seed_lines), mode="dry_run"
    )
    assert (report.added, report.rejected, report.written) == (12, 0, False)
    assert counts(engine)["Event"] == 0


def test_a_duplicate_id_in_one_file_is_reported(engine, seed_lines, tmp_path):
    path = write_lines(tmp_path / "dup.jsonl", [*seed_lines, seed_lines[0]])
    with pytest.raises(ImportFailed) as caught:
        run(engine, path)
    [problem] = caught.value.report.problems
    assert problem.line == 13 and "appears earlier in the file" in problem.reason
    assert counts(engine)["Event"] == 0


def test_an_import_flags_duplicates_of_other_datasets_without_merging(
    engine, seed_lines, tmp_path
):
    run(engine, write_lines(tmp_path / "seed.jsonl", seed_lines))
    talks = json.loads(seed_lines[0])
    talks.update(dataset="desk", external_id="desk-1", title="Istanbul talks (desk)")
    report = run(engine, write_lines(tmp_path / "desk.jsonl", [json.dumps(talks)]))
    # Same quad class, place and month: the talks, and the two AGREEs in Istanbul.
    assert report.added == 1 and report.duplicate_candidates == 3
    assert counts(engine)["Event"] == 13  # flagged, not merged
    with session_scope(engine) as session:
        best = list_duplicate_candidates(session, event_id=report.event_ids[0])[0]
    assert "same type CONSULT" in best.reasons


def test_a_newer_export_never_brings_back_a_retracted_event(
    engine, seed_lines, tmp_path
):
    run(engine, write_lines(tmp_path / "v1.jsonl", seed_lines))
    with session_scope(engine) as session:
        event = session.execute(
            select(Event).where(Event.fatalities_best == 14)
        ).scalar_one()
        event.status = "retracted"
    records = [json.loads(line) for line in seed_lines]
    attack = next(r for r in records if r["children_killed"] == 6)
    attack["fatalities"]["high"] = 20
    report = run(
        engine, write_lines(tmp_path / "v2.jsonl", [json.dumps(r) for r in records])
    )
    assert report.updated == 1
    with session_scope(engine) as session:
        [stored] = list(
            iter_event_records(session, EventFilter(statuses=("retracted",)))
        )
    assert stored.status == "retracted" and stored.fatalities["high"] == 20
    again = run(
        engine, write_lines(tmp_path / "v3.jsonl", [json.dumps(r) for r in records])
    )
    assert (again.updated, again.unchanged) == (0, 12)


def test_a_one_dataset_import_of_many_events_in_one_place_flags_nothing(
    engine, seed_lines, tmp_path
):
    # issue #4: an import's own events are never compared with each other
    strike = json.loads(seed_lines[0]) | {"dataset": "acled", "links": []}
    lines = [
        json.dumps(strike | {"external_id": f"acled-{n}", "title": f"Strike {n}"})
        for n in range(40)
    ]
    report = run(engine, write_lines(tmp_path / "acled.jsonl", lines))
    assert report.added == 40 and report.duplicate_candidates == 0
    with session_scope(engine) as session:
        assert list_duplicate_candidates(session, status="all") == []
