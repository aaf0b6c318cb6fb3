"""Reading UCDP GED CSV files: one tiny invented file per edge case in tests/data/ucdp,
and the mapping of invented rows written here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from tracker.errors import InvalidInput, problems_from_validation_error
from tracker.formats.base import RawRow, RowProblem
from tracker.formats.ucdp import UCDP_FORMAT
from tracker.models import EventCreate

DATA = Path(__file__).resolve().parents[1] / "data" / "ucdp"

# An invented GED row (the columns that matter), keyed by the normalised names.
ROW: dict[str, str] = {
    "id": "900007",
    "relid": "TST-2022-1-1-7",
    "active_year": "1",
    "code_status": "Clear",
    "type_of_violence": "1",
    "conflict_name": "Testland - Exampleland",
    "dyad_name": "Government of Russia (Soviet Union) - Government of Ukraine",
    "side_a": "Government of Russia (Soviet Union)",
    "side_b": "Government of Ukraine",
    "source_article": '"Invented Wire,2022-06-02,Invented headline"',
    "source_office": "Invented Wire",
    "source_date": "2022-06-02",
    "source_headline": "Invented headline",
    "source_original": "Invented spokesperson",
    "where_prec": "1",
    "where_coordinates": "Testivka town",
    "where_description": "Testivka town, Kharkiv region",
    "adm_1": "Kharkiv oblast",
    "adm_2": "Testivka raion",
    "latitude": "49.5",
    "longitude": "36.5",
    "country": "Ukraine",
    "country_id": "369",
    "date_prec": "1",
    "date_start": "6/1/2022 12:00:00 AM",
    "date_end": "6/1/2022 12:00:00 AM",
    "deaths_a": "1",
    "deaths_b": "2",
    "deaths_civilians": "3",
    "deaths_unknown": "0",
    "best": "6",
    "high": "8",
    "low": "5",
}


def mapped(**changes: str) -> dict[str, Any]:
    """The record of the invented row with `changes`, validated by EventCreate."""
    record = UCDP_FORMAT.to_record(RawRow(2, {**ROW, **changes}))
    EventCreate.model_validate(record)
    return record


def refused(**changes: str) -> RowProblem:
    with pytest.raises(RowProblem) as caught:
        UCDP_FORMAT.to_record(RawRow(2, {**ROW, **changes}))
    return caught.value


def rows(name: str) -> list[RawRow]:
    return list(UCDP_FORMAT.read(DATA / name))


def events(name: str) -> list[EventCreate]:
    return [EventCreate.model_validate(UCDP_FORMAT.to_record(r)) for r in rows(name)]


# --- Sniffing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_line", "expected"),
    [
        ("id,relid,year,type_of_violence,side_a,side_b", True),
        ("ID,TYPE_OF_VIOLENCE,DYAD_NAME,BEST", True),
        ("id,type_of_violence,best", False),
        ("event_id_cnty,event_date,sub_event_type", False),
    ],
)
def test_ucdp_sniff_header_names_decide(first_line, expected):
    assert UCDP_FORMAT.sniff(first_line + "\n1,2\n", Path("f.csv")) is expected


# --- Edge-case files ------------------------------------------------------------------


def test_ucdp_windows_1252_file_reads_its_quotes_and_accents():
    first, second, third = events("windows_1252.csv")
    assert "Place: Testivka’s market, near the café." in first.notes
    assert first.title == (
        "Government of Russia (Soviet Union) - Government of Ukraine in Testivka town"
    )
    assert (second.date_start, second.date_end) == (
        dt.date(2022, 5, 9),  # 05/09/2022 00:00 read month-first
        dt.date(2022, 5, 11),
    )
    assert (third.date_start, third.date_end) == (
        dt.date(2022, 7, 1),
        dt.date(2022, 7, 31),
    )


def test_ucdp_one_sided_row_targets_civilians_with_status_and_year_tags():
    _, one_sided, _ = events("windows_1252.csv")
    assert [(a.name, a.role, a.kind) for a in one_sided.actors] == [
        ("Government of Russia (Soviet Union)", "initiator", "government"),
        ("Civilians", "target", "civilians"),
    ]
    assert (one_sided.event_type, one_sided.mode) == ("ASSAULT", None)
    assert one_sided.date_precision == "week"
    assert one_sided.location.geo_precision == "near"  # where_prec 3: ADM2
    assert one_sided.civilians_killed == 6
    assert set(one_sided.tags) == {
        "ucdp:violence=one-sided",
        "ucdp:code_status=Check deaths",
        "ucdp:active_year=false",
    }


def test_ucdp_row_at_sea_is_country_precise_and_says_so_in_notes():
    *_, at_sea = events("windows_1252.csv")
    assert at_sea.location.geo_precision == "country"
    assert "At sea or in the air" in at_sea.notes
    assert at_sea.date_precision == "month"
    assert "ucdp:active_year=true" in at_sea.tags


def test_ucdp_clean_utf8_file_reads_iso_dates_and_every_active_year_form():
    read = events("clean_utf8.csv")
    assert "Place: Testivka’s market, near the café." in read[0].notes
    assert [(e.date_start, e.date_end) for e in read] == [
        (dt.date(2022, 6, 1), None),  # 2022-06-01
        (dt.date(2022, 6, 2), dt.date(2022, 6, 3)),  # 2022-06-02T00:00:00
        (dt.date(2022, 6, 4), None),  # 2022-06-04 00:00:00.000
        (dt.date(2022, 6, 5), None),  # 2022-06-05 00:00:00, end 2022-06-05
        (dt.date(2022, 6, 6), dt.date(2022, 6, 7)),  # 6/6/2022 ..., 06/07/2022
    ]
    years = [t for e in read for t in e.tags if t.startswith("ucdp:active_year=")]
    # true, false, True, False, 0 in the file
    assert years == [
        "ucdp:active_year=true",
        "ucdp:active_year=false",
        "ucdp:active_year=true",
        "ucdp:active_year=false",
        "ucdp:active_year=false",
    ]
    assert [[a.role for a in e.actors] for e in read][1:3] == [
        ["participant", "participant"],  # type 2
        ["initiator", "target"],  # type 3
    ]


def test_ucdp_broken_encoding_refuses_the_file_naming_line_and_column():
    with pytest.raises(InvalidInput) as caught:
        rows("broken_encoding.csv")
    [problem] = caught.value.problems
    assert (problem.field, problem.line) == ("where_description", 3)
    assert problem.reason == (
        "byte b'\\x81' is not Windows-1252 text; save the file as UTF-8"
    )


def test_ucdp_end_before_start_is_rejected_on_date_end():
    [row] = rows("end_before_start.csv")
    with pytest.raises(RowProblem) as caught:
        UCDP_FORMAT.to_record(row)
    assert (caught.value.column, caught.value.value, row.line) == (
        "date_end",
        "6/1/2022 12:00:00 AM",
        2,
    )
    assert (
        caught.value.reason == "ends before date_start (2022-06-03), read month-first"
    )


def test_ucdp_bad_date_rejects_that_row_naming_line_and_column():
    good, bad = rows("bad_date.csv")
    UCDP_FORMAT.to_record(good)
    with pytest.raises(RowProblem) as caught:
        UCDP_FORMAT.to_record(bad)
    assert (caught.value.column, caught.value.value, bad.line) == (
        "date_start",
        "13/45/2022 00:00",
        3,
    )
    assert caught.value.reason == "is not a valid date: month must be in 1..12"


def test_ucdp_unknown_type_of_violence_is_rejected():
    [row] = rows("unknown_violence.csv")
    with pytest.raises(RowProblem) as caught:
        UCDP_FORMAT.to_record(row)
    assert (caught.value.column, caught.value.value) == ("type_of_violence", "4")
    assert caught.value.reason == (
        "expected 1 (state-based), 2 (non-state) or 3 (one-sided)"
    )


def test_ucdp_missing_id_column_refuses_the_file():
    with pytest.raises(InvalidInput) as caught:
        rows("missing_column.csv")
    [problem] = caught.value.problems
    assert (problem.field, problem.line) == ("id", 1)
    assert problem.reason == "required column is missing from the header"


def test_ucdp_figures_out_of_order_import_as_published_with_a_flag():
    # Issue 17: real GED rows break low <= best <= high; they are kept as UCDP
    # published them, flagged, instead of refused.
    events_by_id = {e.external_id: e for e in events("published_out_of_order.csv")}
    check_deaths, low_above_best, best_above_high, in_order = (
        events_by_id[str(n)] for n in (900021, 900022, 900023, 900024)
    )
    assert check_deaths.fatalities.model_dump() == {
        "low": 5294,
        "best": 5294,
        "high": 0,
    }
    assert check_deaths.figures_flag == (
        "As published by UCDP: best 5,294 above high 0 (code_status: Check deaths)"
    )
    assert low_above_best.figures_flag == "As published by UCDP: low 9 above best 2"
    assert best_above_high.figures_flag == "As published by UCDP: best 7 above high 6"
    # UCDP's own "Check deaths" on figures in order stays a tag, not a flag.
    assert in_order.figures_flag is None
    assert "ucdp:code_status=Check deaths" in in_order.tags


@pytest.mark.parametrize(
    ("low", "best", "high", "flag"),
    [
        ("5", "6", "8", None),
        ("6", "6", "6", None),
        ("", "6", "", None),
        ("9", "", "2", "As published by UCDP: low 9 above high 2"),
        ("1", "3", "1", "As published by UCDP: best 3 above high 1"),
        ("0", "396", "0", "As published by UCDP: best 396 above high 0"),
    ],
)
def test_ucdp_flag_names_each_figure_out_of_order(low, best, high, flag):
    record = mapped(low=low, best=best, high=high, deaths_civilians="")
    assert record["figures_flag"] == flag


def test_ucdp_figures_out_of_order_without_the_flag_are_still_refused():
    # The flag, not the importer, lets the figures through: the same record
    # without it fails as a hand-typed one would.
    record = mapped(low="7", best="7", high="6", deaths_civilians="")
    record["figures_flag"] = None
    with pytest.raises(ValidationError) as caught:
        EventCreate.model_validate(record)
    [problem] = problems_from_validation_error(caught.value, line=2)
    assert (UCDP_FORMAT.column_for(problem.field), problem.reason) == (
        "best, low, high",
        "best (7) must not exceed high (6)",
    )


def test_ucdp_latitude_out_of_range_is_refused_on_latitude():
    [row] = rows("latitude_out_of_range.csv")
    with pytest.raises(ValidationError) as caught:
        EventCreate.model_validate(UCDP_FORMAT.to_record(row))
    [problem] = problems_from_validation_error(caught.value, line=row.line)
    assert UCDP_FORMAT.column_for(problem.field) == "latitude"
    assert problem.reason == "Input should be greater than or equal to -90"


def test_ucdp_unknown_active_year_value_is_rejected():
    [row] = rows("unknown_active_year.csv")
    with pytest.raises(RowProblem) as caught:
        UCDP_FORMAT.to_record(row)
    assert (caught.value.column, caught.value.value) == ("active_year", "maybe")
    assert caught.value.reason == "expected 1/0, true/false or blank"


# --- Mapping of invented rows ---------------------------------------------------------


def test_ucdp_row_maps_deaths_place_actors_and_ids():
    record = mapped()
    assert (record["dataset"], record["external_id"]) == ("ucdp", "900007")
    assert record["fatalities"] == {"low": 5, "best": 6, "high": 8}
    assert record["civilians_killed"] == 3
    assert (record["date_start"], record["date_end"]) == (dt.date(2022, 6, 1), None)
    assert record["location"] == {
        "name": "Testivka town",
        "country": "UKR",
        "admin1": "Kharkiv oblast",
        "admin2": "Testivka raion",  # adm_2, a name (issue 14)
        "latitude": 49.5,
        "longitude": 36.5,
        "geo_precision": "exact",
    }
    assert [(a["name"], a["country"]) for a in record["actors"]] == [
        ("Government of Russia (Soviet Union)", "RUS"),
        ("Government of Ukraine", "UKR"),
    ]
    assert (
        "Deaths by category (best estimates): side A 1, side B 2, civilians 3"
        in (record["notes"])
    )


@pytest.mark.parametrize(
    ("code", "precision"),
    [("1", "day"), ("2", "week"), ("3", "week"), ("4", "month"), ("5", "year")],
)
def test_ucdp_date_prec_codes_map_to_ours(code, precision):
    assert mapped(date_prec=code)["date_precision"] == precision


@pytest.mark.parametrize(
    ("code", "precision"),
    [
        ("1", "exact"),
        ("2", "near"),
        ("3", "near"),
        ("4", "admin1"),
        ("5", "admin1"),
        ("6", "country"),
        ("7", "country"),
    ],
)
def test_ucdp_where_prec_codes_map_to_ours(code, precision):
    assert mapped(where_prec=code)["location"]["geo_precision"] == precision


@pytest.mark.parametrize(
    "text",
    [
        "5/9/2022 12:00:00 AM",
        "05/09/2022 00:00",
        "2022-05-09",
        "2022-05-09 00:00:00.000",
    ],
)
def test_ucdp_dates_read_month_first_in_every_form(text):
    assert mapped(date_start=text, date_end=text)["date_start"] == dt.date(2022, 5, 9)


@pytest.mark.parametrize(
    ("text", "tag"),
    [("0", "false"), ("1", "true"), ("True", "true"), ("false", "false")],
)
def test_ucdp_active_year_variants_become_one_tag(text, tag):
    assert f"ucdp:active_year={tag}" in mapped(active_year=text)["tags"]


def test_ucdp_sources_come_from_source_article_even_with_semicolons_in_headlines():
    article = (
        '"Invented Wire,2022-06-02,Clashes near Testivka; both sides claim gains";'
        '"Other Daily, Evening,2022-06-03,Second report"'
    )
    assert mapped(source_article=article)["sources"] == [
        {
            "title": "Clashes near Testivka; both sides claim gains",
            "publisher": "Invented Wire",
            "published": dt.date(2022, 6, 2),
        },
        {
            "title": "Second report",
            "publisher": "Other Daily, Evening",
            "published": dt.date(2022, 6, 3),
        },
    ]


def test_ucdp_sources_without_article_pair_the_lists_and_skip_ambiguous_dates():
    record = mapped(
        source_article="",
        source_office="Wire A;Wire B",
        source_date="2022-06-02;03/06/2022",
        source_headline="First;Second",
    )
    assert [
        (s["publisher"], s["title"], s["published"]) for s in record["sources"]
    ] == [
        ("Wire A", "First", dt.date(2022, 6, 2)),
        ("Wire B", "Second", None),
    ]


def test_ucdp_without_side_columns_splits_the_dyad_name():
    values = {k: v for k, v in ROW.items() if k not in ("side_a", "side_b")}
    record = UCDP_FORMAT.to_record(RawRow(2, values))
    assert [(a["name"], a["role"]) for a in record["actors"]] == [
        ("Government of Russia (Soviet Union)", "participant"),
        ("Government of Ukraine", "participant"),
    ]


@pytest.mark.parametrize(
    ("violence", "roles"),
    [
        ("1", ["participant", "participant"]),  # state-based: nobody coded as first
        ("2", ["participant", "participant"]),  # non-state: the same
        ("2.0", ["participant", "participant"]),
        ("3", ["initiator", "target"]),  # one-sided: side_b is the civilians
    ],
)
def test_ucdp_sides_are_participants_except_in_one_sided_violence(violence, roles):
    # Issue 17: UCDP does not code who started a fight.
    record = mapped(type_of_violence=violence)
    assert [a["role"] for a in record["actors"]] == roles


def test_ucdp_country_names_with_former_names_map_to_iso3():
    assert mapped(country="Russia (Soviet Union)")["location"]["country"] == "RUS"
    assert mapped(country="DR Congo (Zaire)")["location"]["country"] == "COD"


def test_ucdp_column_for_names_the_file_column():
    assert UCDP_FORMAT.column_for("fatalities.high") == "high"
    assert UCDP_FORMAT.column_for("civilians_killed") == "deaths_civilians"
    assert UCDP_FORMAT.column_for("actors.1.name") == "side_b"
    assert UCDP_FORMAT.column_for("sources.0.title") == "source_article"
    assert UCDP_FORMAT.column_for("external_id") == "id"
