"""A place's admin2 (district, raion, municipality; issue 14), on SQLite and
PostgreSQL: read from ACLED's `admin2` and UCDP GED's `adm_2`, filtered on, offered
in the panel, kept out of a place's identity so re-imports change nothing, and filled
in by migration 0013 from stored ACLED rows.

Expected events are counted from the sample files with the csv module, by the rule
the migration's docstring states: a place is its name, country, admin1, coordinates
and precision, and takes the first admin2 named for it in file order."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from tests.conftest import require_shared
from tracker.db import (
    downgrade_database,
    make_engine,
    session_scope,
    upgrade_database,
)
from tracker.formats.acled.read import ACLED_FORMAT
from tracker.formats.acled.write import ACLED_COLUMNS
from tracker.formats.ucdp import UCDP_FORMAT
from tracker.importing import import_file
from tracker.models import EventCreate
from tracker.query.facets import search_admin2
from tracker.query.filters import parse_filter
from tracker.store.events import create_event
from tracker.store.history import Author
from tracker.tables import event

ANALYST = Author("analyst", via="test")
ACLED_SAMPLE = "real_data/acled/peacerep_ukraine-map_ACLED-Ukraine.csv"
UCDP_SAMPLE = "real_data/ucdp/peacerep_ukraine-map_UCDP-Ukraine.csv"
# UCDP GED's where_prec codes as docs/formats.md maps them: 2 and 3 are both "near",
# so rows coded 2 and 3 at one point are one place.
UCDP_PRECISION = {"1": "exact", "2": "near", "3": "near", "4": "admin1"}
UCDP_PRECISION |= {"5": "admin1", "6": "country", "7": "country"}


def rows_of(path: Path, encoding: str) -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle))


def first_admin2_by_place(
    rows: list[dict[str, str]],
    place: Callable[[dict[str, str]], tuple],
    admin2: str,
) -> dict[tuple, str]:
    """Each place's first non-blank admin2 cell, in file order."""
    named: dict[tuple, str] = {}
    for row in rows:
        if row[admin2].strip():
            named.setdefault(place(row), row[admin2].strip())
    return named


def first_named(row: dict[str, str], *columns: str) -> str:
    return next((row[c].strip() for c in columns if row[c].strip()), "")


def acled_place(row: dict[str, str]) -> tuple:
    return (
        first_named(row, "location", "admin3", "admin2", "admin1").casefold(),
        row["country"],
        row["admin1"].strip().casefold(),
        f"{float(row['latitude']):.4f}",
        f"{float(row['longitude']):.4f}",
        row["geo_precision"],
    )


def ucdp_place(row: dict[str, str]) -> tuple:
    return (
        first_named(row, "where_coordinates", "adm_2", "adm_1").casefold(),
        row["country"],
        row["adm_1"].strip().casefold(),
        f"{float(row['latitude']):.4f}",
        f"{float(row['longitude']):.4f}",
        UCDP_PRECISION[row["where_prec"]],
    )


def matching(engine: Engine, values: dict) -> set[tuple[str, str]]:
    """(dataset, external id) of the events the filter `values` selects."""
    event_filter, problems = parse_filter(values)
    assert problems == []
    query = select(event.c.dataset, event.c.external_id).where(
        *event_filter.conditions()
    )
    with engine.connect() as connection:
        return {tuple(row) for row in connection.execute(query)}


def places(engine: Engine) -> list[tuple]:
    with engine.connect() as connection:
        return sorted(
            tuple(row)
            for row in connection.execute(
                text("SELECT id, location_key, name, admin1, admin2 FROM location")
            )
        )


def run(engine: Engine, path: Path, fmt: str):
    with session_scope(engine) as session:
        return import_file(session, path, format_name=fmt)


@pytest.fixture(scope="module")
def samples(module_database_url: str) -> Iterator[tuple[Engine, list, list]]:
    """The shared ACLED and UCDP samples imported, and their rows: imported once per
    backend for the module (the tests read them; the re-import asserts it changes
    nothing), where an import for each test was most of the module's time."""
    shared = require_shared()
    acled_rows = rows_of(shared / ACLED_SAMPLE, "utf-8")
    ucdp_rows = rows_of(shared / UCDP_SAMPLE, "cp1252")
    engine = make_engine(module_database_url)
    acled = run(engine, shared / ACLED_SAMPLE, ACLED_FORMAT.name)
    ucdp = run(engine, shared / UCDP_SAMPLE, UCDP_FORMAT.name)
    # Every row is an event: the counts below need all of them.
    assert (acled.added, ucdp.added) == (len(acled_rows), len(ucdp_rows))
    yield engine, acled_rows, ucdp_rows
    engine.dispose()


def expected_ids(acled_rows, ucdp_rows, names: set[str]) -> set[tuple[str, str]]:
    """The events whose place's admin2 (first named, in file order) is in `names`,
    in any case."""
    wanted = {name.casefold() for name in names}
    acled_named = first_admin2_by_place(acled_rows, acled_place, "admin2")
    ucdp_named = first_admin2_by_place(ucdp_rows, ucdp_place, "adm_2")
    ids = {
        ("acled", row["event_id_cnty"])
        for row in acled_rows
        if acled_named.get(acled_place(row), "").casefold() in wanted
    }
    return ids | {
        ("ucdp", row["id"])
        for row in ucdp_rows
        if ucdp_named.get(ucdp_place(row), "").casefold() in wanted
    }


@pytest.mark.parametrize(
    "names",
    [
        {"Pokrovskyi"},  # ACLED's busiest district in the sample
        {"starobesheve RAION"},  # UCDP's, typed in another case
        {"Bakhmutskyi", "Donetsk City municipality"},  # one of each dataset
        {"Kramatorsk raion"},  # UCDP names some places by two raions: the first holds
    ],
    ids=lambda names: "+".join(sorted(names)),
)
def test_admin2_filter_selects_the_events_counted_from_the_files(samples, names):
    engine, acled_rows, ucdp_rows = samples
    expected = expected_ids(acled_rows, ucdp_rows, names)
    assert expected  # each district is in the samples
    assert matching(engine, {"admin2": sorted(names)}) == expected


def test_admin2_filter_combines_with_the_dataset_and_admin1(samples):
    engine, acled_rows, _ = samples
    values = {"admin2": ["Pokrovskyi"], "admin1": ["Donetsk"], "datasets": ["acled"]}
    expected = {
        ("acled", row["event_id_cnty"])
        for row in acled_rows
        if row["admin2"] == "Pokrovskyi" and row["admin1"] == "Donetsk"
    }
    assert matching(engine, values) == expected
    assert matching(engine, {"admin2": ["Pokrovsk"]}) == set()  # a name, no prefix


def test_reimporting_the_samples_changes_nothing(samples):
    engine, acled_rows, ucdp_rows = samples
    before = places(engine)
    shared = require_shared()
    acled = run(engine, shared / ACLED_SAMPLE, ACLED_FORMAT.name)
    ucdp = run(engine, shared / UCDP_SAMPLE, UCDP_FORMAT.name)
    assert (acled.added, acled.updated, acled.unchanged) == (0, 0, len(acled_rows))
    assert (ucdp.added, ucdp.updated, ucdp.unchanged) == (0, 0, len(ucdp_rows))
    assert places(engine) == before


def test_the_panel_offers_the_districts_of_known_places(samples):
    engine, acled_rows, ucdp_rows = samples
    named = {r["admin2"].strip() for r in acled_rows} | {
        r["adm_2"].strip() for r in ucdp_rows
    }
    with session_scope(engine) as session:
        offered = {c.value for c in search_admin2(session, "", limit=10_000)}
        raions = {c.value for c in search_admin2(session, "RAION", limit=10_000)}
    # Every district stored is one a file named; a district named only at places
    # that took another first is not offered.
    assert offered and offered <= named - {""}
    assert raions == {name for name in offered if "raion" in name.lower()}


ROW = {
    "event_id_cnty": "UKR1",
    "event_date": "2025-05-14",
    "year": "2025",
    "time_precision": "1",
    "disorder_type": "Political violence",
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Shelling/artillery/missile attack",
    "actor1": "Military Forces of Russia (2000-)",
    "inter1": "State forces",
    "iso": "804",
    "country": "Ukraine",
    "admin1": "Kharkiv",
    "admin2": "",
    "location": "Kupiansk",
    "latitude": "49.7106",
    "longitude": "37.6156",
    "geo_precision": "1",
    "source": "Suspilne Media",
    "notes": "Shelling of Kupiansk.",
    "fatalities": "0",
}


def acled_file(path: Path, *rows: dict[str, str]) -> Path:
    """An ACLED file of ACLED's 31 columns, each row ROW with its changes."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=ACLED_COLUMNS, restval="")
        writer.writeheader()
        writer.writerows(ROW | changes for changes in rows)
    return path


def test_an_import_fills_in_a_place_stored_without_admin2_and_never_overwrites_it(
    engine, tmp_path
):
    run(engine, acled_file(tmp_path / "a.csv", {"event_id_cnty": "UKR1"}), "acled")
    [(place_id, key, _, _, admin2)] = places(engine)
    assert admin2 is None
    # New rows at the same place: the first naming a district gives it; the event
    # stored before is unchanged and still at the same place.
    second = acled_file(
        tmp_path / "b.csv",
        {"event_id_cnty": "UKR1"},
        {"event_id_cnty": "UKR2", "admin2": " Kupianskyi "},
        {"event_id_cnty": "UKR3", "admin2": "Another"},
    )
    report = run(engine, second, "acled")
    assert (report.added, report.updated, report.unchanged) == (2, 0, 1)
    assert places(engine) == [(place_id, key, "Kupiansk", "Kharkiv", "Kupianskyi")]
    third = acled_file(tmp_path / "c.csv", {"event_id_cnty": "UKR4", "admin2": "X"})
    run(engine, third, "acled")
    assert places(engine)[0][4] == "Kupianskyi"
    with engine.connect() as connection:
        located = connection.execute(text("SELECT DISTINCT location_id FROM event"))
        assert [row[0] for row in located] == [place_id]


def test_a_single_save_sets_the_district_an_analyst_gives(engine):
    def save(external_id: str, admin2: str | None) -> None:
        location = {"name": "Izium", "country": "UKR", "admin1": "Kharkiv"}
        data = EventCreate.model_validate(
            {
                "title": f"Shelling {external_id}",
                "event_type": "ASSAULT",
                "date_start": "2025-05-14",
                "dataset": "form",
                "external_id": external_id,
                "location": location | ({"admin2": admin2} if admin2 else {}),
            }
        )
        with session_scope(engine) as session:
            create_event(session, data, author=ANALYST)

    save("F1", "  Iziumskyi ")
    assert [p[4] for p in places(engine)] == ["Iziumskyi"]
    save("F2", None)  # no district given: the place keeps its own
    assert [p[4] for p in places(engine)] == ["Iziumskyi"]
    save("F3", "Izium raion")  # the analyst's word
    assert [p[4] for p in places(engine)] == ["Izium raion"]


def test_migration_0015_fills_in_admin2_from_stored_acled_rows(engine):
    path = require_shared() / ACLED_SAMPLE
    run(engine, path, ACLED_FORMAT.name)
    imported = places(engine)
    assert any(place[4] for place in imported)
    downgrade_database(engine, "0014")
    upgrade_database(engine)
    assert places(engine) == imported
