"""The timeline's rollup stays exact on every write, whatever writes: the seed, the
importer's bulk statements, the edit form's update, a retraction, a purge, and plain
SQL. After each, the rollup equals the same sums recomputed from the events; the
timeline's figures read from it equal the figures counted event by event."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest
from sqlalchemy import delete, select, update

from tests.storage.test_history import edit
from tracker.db import session_scope
from tracker.importing import import_file
from tracker.models import Event, EventCreate, EventRollup, Location
from tracker.query.events import count_events
from tracker.query.filters import EventFilter
from tracker.query.rollup import uses_rollup
from tracker.query.stats import (
    Period,
    count_events_by_period,
    count_events_by_precision,
)
from tracker.query.timeline import (
    fatalities_by_period,
    headline_figures,
    score_by_period,
)
from tracker.seed import seed_database
from tracker.store.events import create_event, purge_event
from tracker.store.history import Author

ADMIN = Author("admin", via="test")


def recomputed(session) -> dict[tuple, tuple]:
    """The rollup as it should be: every event's figures summed under its key."""
    rows = session.execute(
        select(Event, Location.country).outerjoin(
            Location, Location.id == Event.location_id
        )
    ).all()
    sums: dict[tuple, list] = defaultdict(lambda: [0, 0.0, 0, 0, 0, 0, 0])
    for event, country in rows:
        low, best, high = (
            event.fatalities_low,
            event.fatalities_best,
            event.fatalities_high,
        )
        key = (
            event.date_start,
            event.date_end or event.date_start,
            country or "",
            event.event_type,
            event.quad_class,
            event.date_precision,
            event.status,
        )
        known = [v for v in (best, low, high) if v is not None]
        total = sums[key]
        total[0] += 1
        total[1] += event.score
        total[2] += 1 if known else 0
        total[3] += next((v for v in (best, low, high) if v is not None), 0)
        total[4] += next((v for v in (low, best, high) if v is not None), 0)
        total[5] += next((v for v in (high, best, low) if v is not None), 0)
        total[6] += event.children_killed or 0
    return {key: tuple(value) for key, value in sums.items()}


def stored(session) -> dict[tuple, tuple]:
    rollup = EventRollup
    return {
        (
            r.date_start,
            r.date_last,
            r.country,
            r.event_type,
            r.quad_class,
            r.date_precision,
            r.status,
        ): (
            r.events,
            r.score_sum,
            r.fatal_events,
            r.fatal_best,
            r.fatal_low,
            r.fatal_high,
            r.children_killed,
        )
        for r in session.scalars(select(rollup))
    }


def assert_exact(engine) -> None:
    with session_scope(engine) as session:
        assert stored(session) == recomputed(session)


@pytest.fixture
def seeded(engine, seed_dir):
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
    return engine


def test_the_rollup_follows_every_kind_of_write(seeded, tmp_path):
    engine = seeded
    assert_exact(engine)

    with session_scope(engine) as session:
        strike = create_event(
            session,
            EventCreate.model_validate(
                {
                    "title": "Strike on Kharkiv",
                    "event_type": "ASSAULT",
                    "mode": "aerial",
                    "date_start": "2025-06-02",
                    "location": {"name": "Kharkiv", "country": "UKR"},
                    "fatalities": {"low": 3, "high": 7},
                    "children_killed": 1,
                    "sources": [{"url": "https://example.org/kharkiv"}],
                }
            ),
            author=ADMIN,
        ).id
    assert_exact(engine)

    # The edit form: another type, day, place (another country) and figures.
    edit(
        engine,
        strike,
        ADMIN,
        event_type="PROTEST",
        mode=None,
        date_start="2025-06-03",
        date_end="2025-06-05",
        location={"name": "Belgorod", "country": "RUS"},
        fatalities={"best": 2},
    )
    assert_exact(engine)

    edit(engine, strike, ADMIN, status="retracted")
    assert_exact(engine)
    with session_scope(engine) as session:
        purge_event(session, strike, author=ADMIN)
    assert_exact(engine)

    # The importer's bulk insert, then a re-import that updates changed rows.
    lines = [
        "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,"
        "sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,"
        "interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,"
        "location,latitude,longitude,geo_precision,source,source_scale,notes,"
        "fatalities,tags,timestamp"
    ]
    for n, (day, killed) in enumerate([("2024-03-01", 4), ("2024-03-01", 0)] * 3):
        lines.append(
            f"UKR{n},{day},2024,1,Political violence,Explosions/Remote violence,"
            "Shelling/artillery/missile attack,Military Forces of Russia (2000-),,8,"
            ",,0,80,,804,Europe,Ukraine,Kharkivska,,,Kharkiv,49.99,36.23,1,"
            f"Ukrainska Pravda,National,Shelling.,{killed},,1700000000"
        )
    acled = tmp_path / "acled.csv"
    acled.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with session_scope(engine) as session:
        import_file(session, acled, duplicate_check=False)
    assert_exact(engine)
    acled.write_text(
        "\n".join(lines).replace("2024-03-01", "2024-03-02") + "\n", encoding="utf-8"
    )
    with session_scope(engine) as session:
        report = import_file(session, acled, duplicate_check=False)
    assert report.updated == 6
    assert_exact(engine)

    # Plain SQL, as a maintenance script would write.
    with session_scope(engine) as session:
        session.execute(
            update(Event)
            .where(Event.event_type == "ASSAULT")
            .values(fatalities_best=Event.fatalities_best + 1)
        )
        session.execute(
            delete(Event).where(Event.dataset == "acled", Event.id % 2 == 0)
        )
    assert_exact(engine)


def test_a_failed_transaction_leaves_the_rollup_as_it_was(seeded):
    with session_scope(seeded) as session:
        before = stored(session)
    with pytest.raises(RuntimeError), session_scope(seeded) as session:
        session.execute(update(Event).values(status="disputed"))
        raise RuntimeError("the writer fails before committing")
    with session_scope(seeded) as session:
        assert stored(session) == before


FILTERS = [
    EventFilter(),
    EventFilter(since=dt.date(2025, 5, 20), until=dt.date(2025, 5, 31)),
    EventFilter(countries=("UKR",)),
    EventFilter(event_types=("ASSAULT", "AGREE"), statuses=("confirmed",)),
]


@pytest.mark.parametrize("event_filter", FILTERS, ids=lambda f: f.describe())
def test_figures_from_the_rollup_equal_figures_counted_event_by_event(
    seeded, event_filter
):
    """Each figure read from the rollup against the matching events, counted here."""
    assert uses_rollup(event_filter)
    with session_scope(seeded) as session:
        events = session.scalars(select(Event).where(*event_filter.conditions())).all()
        headlines = headline_figures(session, event_filter)
        by_precision = count_events_by_precision(session, event_filter)
        total = count_events(session, event_filter)
        weekly = count_events_by_period(session, event_filter, Period.WEEK)
        scores = score_by_period(session, event_filter, Period.MONTH)
        deaths = fatalities_by_period(session, event_filter, Period.MONTH)
        session.expunge_all()  # the events as read, to compare after the session
    assert total == headlines.events == len(events)
    assert by_precision == Counter(e.date_precision for e in events)
    assert sum(c.count for c in weekly) == len(events)
    assert sum(p.events for p in scores) == len(events)
    if events:
        assert sum(p.mean_score * p.events for p in scores) == pytest.approx(
            sum(e.score for e in events)
        )
    assert headlines.fatalities_best == sum(
        next(
            (
                v
                for v in (e.fatalities_best, e.fatalities_low, e.fatalities_high)
                if v is not None
            ),
            0,
        )
        for e in events
    )
    assert sum(p.best for p in deaths) == headlines.fatalities_best


def test_filters_the_rollup_cannot_answer_read_the_events():
    assert uses_rollup(EventFilter(since=dt.date(2024, 1, 1), countries=("UKR",)))
    for narrower in (
        EventFilter(actors=("Russia",)),
        EventFilter(places=("Kharkiv",)),
        EventFilter(modes=("aerial",)),
        EventFilter(text="strike"),
        EventFilter(min_fatalities=0),
        EventFilter(flagged_figures=True),  # the rollup keeps no flag (issue 17)
    ):
        assert not uses_rollup(narrower)
    # A yes/no filter left at no asks nothing: the rollup still answers.
    assert uses_rollup(EventFilter(countries=("UKR",), flagged_figures=False))
