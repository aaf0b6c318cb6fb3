"""One actor, one registry entry: ACLED's periods of office and aliases (issue 12).

ACLED names "Government of Russia (2000-)" and "Military Forces of Ukraine (2014-2019)";
each must resolve to the registry actor without the period, on every write path (the
bulk import, a single save), with the suffixed name kept as an alias and, on the
event, verbatim. The expected actors are worked out here from the file with the csv
module and a regular expression of the test's own; the database is read with plain
SQL."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import text

from tracker.db import downgrade_database, session_scope, upgrade_database
from tracker.importing import import_file
from tracker.models import EventCreate
from tracker.query.events import count_events, get_event_record
from tracker.query.facets import search_actors
from tracker.query.filters import EventFilter
from tracker.seed import seed_database
from tracker.store.events import create_event, update_event
from tracker.store.history import writable_state

from ..conftest import require_shared

PERIODS_FILE = (
    Path(__file__).resolve().parents[1] / "data" / "acled" / "period_suffixes.csv"
)
PERIOD = re.compile(r" \((\d{4})-(\d{4})?\)$")
ACTOR_COLUMNS = ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2")


def named_in(path: Path) -> dict[str, set[str]]:
    """Each event id of an ACLED file -> the actor names its row gives."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["event_id_cnty"]: {
                name.strip()
                for column in ACTOR_COLUMNS
                for name in row[column].split(";")
                if name.strip()
            }
            for row in csv.DictReader(handle)
        }


def suffixed_by_base(names) -> dict[str, set[str]]:
    """Names without their period -> the suffixed names ACLED gives them."""
    grouped: dict[str, set[str]] = defaultdict(set)
    for name in names:
        if PERIOD.search(name):
            grouped[PERIOD.sub("", name)].add(name)
    return grouped


def rows(session, sql: str, **params) -> list[tuple]:
    return [tuple(row) for row in session.execute(text(sql), params)]


def assert_one_actor_per_base_with_aliases(session, expected: dict[str, set[str]]):
    """One registry actor per base name; each suffixed name an alias of it; no
    registry actor named with a period."""
    for base, suffixed in expected.items():
        actors = rows(
            session, "SELECT id FROM actor WHERE lower(name) = :n", n=base.lower()
        )
        assert len(actors) == 1, base
        aliases = rows(
            session,
            "SELECT alias FROM actor_alias WHERE actor_id = :a",
            a=actors[0][0],
        )
        assert suffixed <= {alias for (alias,) in aliases}, base
    periods = rows(session, "SELECT name FROM actor WHERE name LIKE '%(____-%)'")
    assert periods == []


def assert_events_keep_the_names_given(session, events: dict[str, set[str]]):
    """Every event links to the base actors, and keeps each suffixed name verbatim."""
    for external_id, names in events.items():
        linked = rows(
            session,
            "SELECT a.name, ea.name_as_given FROM event_actor ea"
            " JOIN actor a ON a.id = ea.actor_id JOIN event e ON e.id = ea.event_id"
            " WHERE e.dataset = 'acled' AND e.external_id = :x",
            x=external_id,
        )
        assert {name for name, _ in linked} == {PERIOD.sub("", n) for n in names}
        given = {g for _, g in linked if g is not None}
        assert given == {n for n in names if PERIOD.search(n)}, external_id


@pytest.mark.parametrize("seeded", [False, True], ids=["empty", "seeded"])
def test_acled_periods_resolve_to_one_actor_with_the_suffixed_names_as_aliases(
    engine, seed_dir, seeded
):
    events = named_in(PERIODS_FILE)
    expected = suffixed_by_base(n for names in events.values() for n in names)
    # The file names the Ukrainian army with two periods, and one actor without.
    assert len(expected["Military Forces of Ukraine"]) == 2
    assert any(base in n for n in events["XTSTP4"] for base in expected)
    with session_scope(engine) as session:
        if seeded:  # "Military Forces of Russia (2000-)" is a seed alias already
            seed_database(session, seed_dir)
        report = import_file(session, PERIODS_FILE, format_name="acled")
    assert report.added == len(events)
    with session_scope(engine) as session:
        assert_one_actor_per_base_with_aliases(session, expected)
        assert_events_keep_the_names_given(session, events)
        army = rows(
            session,
            "SELECT count(DISTINCT ea.event_id) FROM event_actor ea"
            " JOIN actor a ON a.id = ea.actor_id JOIN event e ON e.id = ea.event_id"
            " WHERE a.name = 'Military Forces of Ukraine' AND e.dataset = 'acled'",
        )
    in_file = [
        x
        for x, names in events.items()
        if "Military Forces of Ukraine" in {PERIOD.sub("", n) for n in names}
    ]
    assert army == [(len(in_file),)] and len(in_file) == 2  # (2014-2019), (2019-)


def test_acled_periods_reimported_change_nothing(engine):
    with session_scope(engine) as session:
        import_file(session, PERIODS_FILE, format_name="acled")
    tables = ("actor", "actor_alias", "event_actor")
    with session_scope(engine) as session:
        before = {t: rows(session, f"SELECT * FROM {t} ORDER BY 1, 2") for t in tables}
        again = import_file(session, PERIODS_FILE, format_name="acled")
    assert (again.added, again.updated) == (0, 0)
    with session_scope(engine) as session:
        after = {t: rows(session, f"SELECT * FROM {t} ORDER BY 1, 2") for t in tables}
    assert after == before


def test_real_acled_sample_periods_resolve_to_one_actor_each(engine):
    path = require_shared() / "real_data/acled/peacerep_ukraine-map_ACLED-Ukraine.csv"
    events = named_in(path)
    expected = suffixed_by_base(n for names in events.values() for n in names)
    assert len(expected) >= 5  # the sample's armies, police and governments
    with session_scope(engine) as session:
        import_file(session, path, format_name="acled", mode="skip_invalid")
    with session_scope(engine) as session:
        assert_one_actor_per_base_with_aliases(session, expected)
        stored = {
            x
            for (x,) in rows(
                session, "SELECT external_id FROM event WHERE dataset = 'acled'"
            )
        }
        assert_events_keep_the_names_given(
            session, {x: names for x, names in events.items() if x in stored}
        )


def event_named(name: str) -> EventCreate:
    return EventCreate.model_validate(
        {
            "title": "Invented: a statement",
            "event_type": "ACCUSE",
            "date_start": "2025-05-20",
            "actors": [{"name": name, "role": "initiator"}],
        }
    )


def test_single_save_resolves_a_period_like_the_import_and_an_edit_keeps_it(
    engine, seed_dir
):
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
        event_id = create_event(session, event_named("Government of Russia (2000-)")).id
    with session_scope(engine) as session:
        # An editor saves the record as shown: the registry's name.
        record = get_event_record(session, event_id)
        assert [a["name"] for a in record.actors] == ["Government of Russia"]
        data = EventCreate.model_validate(writable_state(record))
        update_event(session, event_id, data, expected_version=record.version)
    with session_scope(engine) as session:
        import_file(session, PERIODS_FILE, format_name="acled")
    with session_scope(engine) as session:
        linked = rows(
            session,
            "SELECT a.name, ea.name_as_given FROM event_actor ea"
            " JOIN actor a ON a.id = ea.actor_id WHERE ea.event_id = :e",
            e=event_id,
        )
        owners = rows(
            session,
            "SELECT a.name FROM actor_alias al JOIN actor a ON a.id = al.actor_id"
            " WHERE al.alias_key = 'government of russia (2000-)'",
        )
        imported = rows(
            session,
            "SELECT DISTINCT a.name FROM event_actor ea"
            " JOIN actor a ON a.id = ea.actor_id JOIN event e ON e.id = ea.event_id"
            " WHERE e.external_id IN ('XTSTP1', 'XTSTP3')"
            " AND ea.name_as_given = 'Government of Russia (2000-)'",
        )
    assert linked == [("Government of Russia", "Government of Russia (2000-)")]
    assert owners == [("Government of Russia",)]
    assert imported == [("Government of Russia",)]


def test_actor_filter_matches_aliases_and_periods_in_any_case(engine, seed_dir):
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
        import_file(session, PERIODS_FILE, format_name="acled")
    with session_scope(engine) as session:
        (expected,) = rows(
            session,
            "SELECT count(DISTINCT ea.event_id) FROM event_actor ea"
            " JOIN actor a ON a.id = ea.actor_id JOIN event e ON e.id = ea.event_id"
            " WHERE a.name = 'Government of Russia' AND e.status = 'confirmed'",
        )[0]
        counts = {
            name: count_events(
                session, EventFilter(actors=(name,), statuses=("confirmed",))
            )
            for name in (
                "Government of Russia",
                "kremlin",
                "The Kremlin",
                "government of russia (2000-)",
            )
        }
    # 8 seed events plus XTSTP1 and XTSTP3
    assert expected == 10
    assert counts == dict.fromkeys(counts, expected)


def test_actor_search_labels_an_actor_found_by_an_alias_with_it(engine, seed_dir):
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
        kremlin = search_actors(session, "KREMLIN")
        by_name = search_actors(session, "government of rus")
        [(alias,)] = rows(
            session,
            "SELECT min(alias) FROM actor_alias WHERE lower(alias) LIKE '%kremlin%'",
        )
    assert [(c.value, c.label) for c in kremlin] == [
        ("Government of Russia", f"Government of Russia (alias: {alias})")
    ]
    assert [(c.value, c.label) for c in by_name] == [
        ("Government of Russia", "Government of Russia")
    ]


def test_upgrade_folds_actors_an_older_import_registered_with_a_period(
    engine, seed_dir
):
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
    downgrade_database(engine, "0006")
    # As imports before revision 0007 left them: the government twice, and an
    # actor known only with its period.
    with engine.begin() as connection:

        def sql(statement: str, **params):
            return connection.execute(text(statement), params)

        for name in (
            "Government of Russia (2000-)",
            "Police Forces of Ukraine (2019-)",
        ):
            sql("INSERT INTO actor (name, kind) VALUES (:n, 'government')", n=name)
        ids = dict(sql("SELECT name, id FROM actor").all())
        russia, legacy = (
            ids["Government of Russia"],
            ids["Government of Russia (2000-)"],
        )
        links = sql(
            "SELECT event_id, role FROM event_actor WHERE actor_id = :a ORDER BY 1, 2",
            a=russia,
        ).all()
        moved, both = links[:3], links[3]
        for event_id, role in moved:
            sql(
                "UPDATE event_actor SET actor_id = :l"
                " WHERE event_id = :e AND role = :r AND actor_id = :a",
                l=legacy,
                e=event_id,
                r=role,
                a=russia,
            )
        sql(  # one event names both in one role
            "INSERT INTO event_actor (event_id, actor_id, role) VALUES (:e, :l, :r)",
            e=both[0],
            l=legacy,
            r=both[1],
        )
        sql(
            "INSERT INTO event_actor (event_id, actor_id, role)"
            " VALUES (:e, :p, 'participant')",
            e=both[0],
            p=ids["Police Forces of Ukraine (2019-)"],
        )
    upgrade_database(engine)
    with session_scope(engine) as session:
        assert_one_actor_per_base_with_aliases(
            session,
            {
                "Government of Russia": {"Government of Russia (2000-)"},
                "Police Forces of Ukraine": {"Police Forces of Ukraine (2019-)"},
            },
        )
        after = rows(
            session,
            "SELECT ea.event_id, ea.role, ea.name_as_given FROM event_actor ea"
            " JOIN actor a ON a.id = ea.actor_id WHERE a.name = :n ORDER BY 1, 2",
            n="Government of Russia",
        )
        police = rows(
            session,
            "SELECT ea.event_id, ea.name_as_given FROM event_actor ea"
            " JOIN actor a ON a.id = ea.actor_id"
            " WHERE a.name = 'Police Forces of Ukraine'",
        )
    given = {(e, r): g for e, r, g in after}
    assert set(given) == set(links)  # every event still names the government once
    assert [k for k, g in given.items() if g] == [tuple(m) for m in moved]
    assert police == [(both[0], "Police Forces of Ukraine (2019-)")]
