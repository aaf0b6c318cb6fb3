"""Each timeline chart's data as CSV (`GET /chart.csv`, issue 14): the numbers equal
an independent count of the seed written here, on SQLite and PostgreSQL, and a
refused setting is a 400 naming it."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import text

from tests.dashboard.conftest import client_as
from tracker.db import make_engine


def rows(client, query: str) -> list[dict[str, str]]:
    answer = client.get(f"/chart.csv?{query}")
    assert answer.status_code == 200, answer.text
    assert answer.mimetype == "text/csv"
    return list(
        csv.DictReader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff")))
    )


def independent(database_url: str, sql: str) -> list:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(sql)))
    finally:
        engine.dispose()


def test_each_chart_gives_its_numbers(app, database_url):
    client = client_as(app, "viewer")
    by_type = dict(
        independent(
            database_url,
            "SELECT event_type, count(*) FROM event"
            " WHERE status IN ('confirmed', 'disputed') GROUP BY event_type",
        )
    )
    counted: dict[str, int] = {}
    for row in rows(client, "chart=events&countries=UKR&countries=RUS&countries=TUR"):
        counted[row["event_type"]] = counted.get(row["event_type"], 0) + int(
            row["count"]
        )
    located = dict(
        independent(
            database_url,
            "SELECT e.event_type, count(*) FROM event e JOIN location l"
            " ON l.id = e.location_id WHERE l.country IN ('UKR', 'RUS', 'TUR')"
            " AND e.status IN ('confirmed', 'disputed') GROUP BY e.event_type",
        )
    )
    assert counted == located
    all_types = {}
    for row in rows(client, "chart=events"):
        all_types[row["event_type"]] = all_types.get(row["event_type"], 0) + int(
            row["count"]
        )
    assert all_types == by_type

    [(killed,)] = independent(
        database_url,
        "SELECT sum(coalesce(fatalities_best, fatalities_low, fatalities_high))"
        " FROM event WHERE status IN ('confirmed', 'disputed')",
    )
    assert sum(int(r["best"]) for r in rows(client, "chart=fatalities")) == killed

    score = rows(client, "chart=score")
    assert sum(int(r["events"]) for r in score) == sum(by_type.values())

    marks = rows(client, "chart=swimlanes&lanes=2")
    assert len({r["actor"] for r in marks}) == 2
    [(roles,)] = independent(
        database_url,
        "SELECT count(*) FROM event_actor ea JOIN event e ON e.id = ea.event_id"
        " JOIN actor a ON a.id = ea.actor_id WHERE a.name IN ('"
        + "', '".join({r["actor"] for r in marks})
        + "') AND e.status IN ('confirmed', 'disputed')",
    )
    assert len(marks) == roles


def test_an_empty_filter_gives_the_header_only(app):
    client = client_as(app, "viewer")
    answer = client.get("/chart.csv?chart=fatalities&datasets=ucdp")
    assert answer.get_data(as_text=True).lstrip("\ufeff").splitlines() == [
        "period_start,best,low,high,events_with_figures"
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("chart=pie", "chart"),
        ("chart=swimlanes&lanes=0", "lanes"),
        ("chart=swimlanes&lanes=x", "lanes"),
        ("chart=events&since=yesterday", "since"),
    ],
)
def test_a_refused_setting_is_a_400_naming_it(app, query, field):
    answer = client_as(app, "viewer").get(f"/chart.csv?{query}")
    assert answer.status_code == 400
    assert field in answer.get_data(as_text=True)
