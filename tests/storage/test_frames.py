"""tracker.open() for notebooks, and `tracker export --format parquet` (issue 15).

The specification: the DataFrame of a filter is the CSV export of the same filter
(`tracker export`), read here with pandas and typed by this test's own reading of
the promised dtypes; the Parquet export holds the same rows with typed columns; the
timeline is the dashboard's figures, counted here in plain SQL. On the seed events
and on the real ACLED sample of ../shared, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from sqlalchemy import text

import tracker
from tests.conftest import require_shared
from tracker.cli.events import FILTER_OPTIONS
from tracker.cli.main import main
from tracker.db import session_scope
from tracker.errors import ConfigurationError, InvalidFilter
from tracker.event_arrow import iter_event_tables
from tracker.formats.acled.read import ACLED_FORMAT
from tracker.formats.parquet import write_parquet
from tracker.importing import import_file
from tracker.query.filters import EventFilter
from tracker.seed import seed_database
from tracker.store.events import save_events, validate_event_records

TIMELINE_FIGURES = (
    "events",
    "mean_score",
    "cooperation",
    "material_conflict",
    "fatalities_best",
    "fatalities_low",
    "fatalities_high",
    "events_with_fatalities",
)
ACLED_SAMPLE = "real_data/acled/peacerep_ukraine-map_ACLED-Ukraine.csv"
GDELT_SAMPLE = "real_data/gdelt/20191024143000.export.CSV"
PLOVER_SAMPLE = "real_data/plover/PLOVER_GSR_CAMEO.txt"

# The dtypes promised, column by column (every other column is text).
WHOLE = (
    "quad_class",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
    "civilians_killed",
    "children_killed",
    "injured",
    "version",
)
FRACTIONS = ("score", "latitude", "longitude", "confidence")
DAYS = ("date_start", "date_end")
MOMENTS = ("created_at", "updated_at")
CATEGORIES = (
    "event_type",
    "mode",
    "status",
    "date_precision",
    "geo_precision",
    "dataset",
)
# What a spreadsheet would run as a formula gets an apostrophe in the CSV.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")

# Filters as keyword arguments, each met by some but not all of the events.
FILTERS = [
    {},
    {"event_types": ["ASSAULT", "COERCE"]},
    {"since": "2023-11-01", "until": "2024-01-15"},
    {"countries": "UKR", "min_fatalities": 1},
    {"acled_event_types": ["Battles"], "admin1": ["Donetsk", "Kharkiv"]},
    {"statuses": ["confirmed", "proposed", "disputed", "retracted"]},
    {"text": "drone"},
    {"since": dt.date(2025, 5, 20), "datasets": ["seed"]},
]


@pytest.fixture
def loaded_url(database_url: str, engine) -> str:
    """The seed events and the ACLED sample in one database."""
    sample = require_shared() / ACLED_SAMPLE
    with session_scope(engine) as session:
        seed_database(session, Path(__file__).resolve().parents[2] / "seed_data")
    with session_scope(engine) as session:
        import_file(session, sample, format_name=ACLED_FORMAT.name)
    return database_url


def cli(url: str, *args: str) -> str:
    result = CliRunner().invoke(main, ["--database-url", url, *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def filter_options(filters: dict) -> list[str]:
    """The CLI options of a filter given as keyword arguments."""
    options: list[str] = []
    for name, value in filters.items():
        option = FILTER_OPTIONS[name][0]
        values = value if isinstance(value, list) else [value]
        for item in values:
            options += [option] if item is True else [option, str(item)]
    return options


def unescaped(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:2] in FORMULA_STARTS else cell


def typed_csv(text_: str) -> pd.DataFrame:
    """The CSV export read with pandas, each column turned into its promised dtype
    by this test (categoricals compared as text)."""
    cells = pd.read_csv(io.StringIO(text_), dtype=str, keep_default_na=False)
    frame = {}
    for column in cells.columns:
        values = cells[column].where(cells[column] != "", None)
        if column == "id":
            frame[column] = values.astype("int64")
        elif column in WHOLE:
            frame[column] = values.astype("Int64")
        elif column in FRACTIONS:
            frame[column] = values.astype("float64")
        elif column in DAYS:
            days = pd.to_datetime(values, format="%Y-%m-%d")
            frame[column] = days.astype("datetime64[s]")
        elif column in MOMENTS:
            moments = pd.to_datetime(values, format="ISO8601", utc=True)
            frame[column] = moments.astype("datetime64[us, UTC]")
        else:
            texts = values.map(unescaped, na_action="ignore")
            frame[column] = texts.astype("string")
    return pd.DataFrame(frame)


def as_text_categories(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(dict.fromkeys(CATEGORIES, "string"))


def test_events_of_a_filter_equal_its_csv_export(loaded_url: str):
    with tracker.open(loaded_url) as db:
        sizes = []
        for filters in FILTERS:
            expected = typed_csv(cli(loaded_url, "export", *filter_options(filters)))
            frame = db.events(**filters)
            sizes.append(len(frame))
            pd.testing.assert_frame_equal(
                as_text_categories(frame), expected, obj=f"events({filters})"
            )
    # The filters narrow: every one matches some events, none all of them.
    assert sizes[0] > 1000 and all(0 < n < sizes[0] for n in sizes[1:5])


def test_events_have_the_promised_dtypes(loaded_url: str):
    with tracker.open(loaded_url) as db:
        frame = db.events()
    promised = {"id": "int64"}
    promised |= dict.fromkeys(WHOLE, "Int64") | dict.fromkeys(FRACTIONS, "float64")
    promised |= dict.fromkeys(DAYS, "datetime64[s]")
    promised |= dict.fromkeys(MOMENTS, "datetime64[us, UTC]")
    for column, dtype in frame.dtypes.items():
        if column in CATEGORIES:
            assert isinstance(dtype, pd.CategoricalDtype), column
        else:
            assert str(dtype) == promised.get(column, "string"), column
    assert {"acled", "seed"} <= set(frame["dataset"].cat.categories)
    assert "ASSAULT" in frame["event_type"].cat.categories
    assert frame["fatalities_best"].isna().any()  # missing stays missing


def test_no_match_is_an_empty_frame_with_the_same_dtypes(loaded_url: str):
    with tracker.open(loaded_url) as db:
        some = db.events(datasets="seed")
        none = db.events(text="words no event holds")
        chunks = list(db.events(chunksize=10, text="words no event holds"))
        timeline = db.timeline(text="words no event holds")
    assert len(none) == 0 and list(none.columns) == list(some.columns)
    pd.testing.assert_series_equal(none.dtypes, some.dtypes)
    assert len(chunks) == 1 and chunks[0].dtypes.equals(some.dtypes)
    assert len(timeline) == 0 and "events" in timeline.columns


def test_chunks_give_the_rows_of_one_read(loaded_url: str):
    with tracker.open(loaded_url) as db:
        whole = db.events(countries="UKR")
        chunks = list(db.events(chunksize=300, countries="UKR"))
    assert [len(c) for c in chunks[:-1]] == [300] * (len(chunks) - 1)
    assert 0 < len(chunks[-1]) <= 300
    # The same categories in every chunk: they concat without becoming objects.
    joined = pd.concat(chunks, ignore_index=True)
    pd.testing.assert_frame_equal(joined, whole)


def test_records_are_plain_python_values(loaded_url: str):
    with tracker.open(loaded_url) as db:
        records = db.events(as_records=True, datasets="seed")
        frame = db.events(datasets="seed")
    assert [r["id"] for r in records] == frame["id"].tolist()
    first = records[0]
    assert isinstance(first["date_start"], dt.date)
    assert first["created_at"].tzinfo is not None
    assert pd.Timestamp(first["created_at"]) == frame["created_at"].iloc[0]
    # The same values as the frame, missing as None where the frame has <NA>.
    for column in ("title", "mode", "fatalities_best", "notes", "latitude"):
        expected = [None if pd.isna(v) else v for v in frame[column]]
        assert [r[column] for r in records] == expected, column
    assert first["title"] == frame["title"].iloc[0]
    assert all(type(r["fatalities_best"]) in (int, type(None)) for r in records)


def test_parquet_export_holds_the_csv_rows_typed(loaded_url: str, tmp_path: Path):
    for filters in (FILTERS[0], FILTERS[4]):
        path = tmp_path / "events.parquet"
        expected = typed_csv(cli(loaded_url, "export", *filter_options(filters)))
        options = filter_options(filters)
        cli(loaded_url, "export", "--format", "parquet", "-o", str(path), *options)
        table = pq.read_table(path)
        schema = table.schema
        assert schema.field("date_start").type == pa.date32()
        assert schema.field("fatalities_best").type == pa.int64()
        assert schema.field("created_at").type == pa.timestamp("us", tz="UTC")
        assert pa.types.is_dictionary(schema.field("event_type").type)
        assert schema.field("title").type == pa.string()
        pd.testing.assert_frame_equal(
            parquet_frame(path), expected, obj=f"parquet of {filters}"
        )


def parquet_frame(path: Path) -> pd.DataFrame:
    """A Parquet export read with pandas, in the dtypes of `typed_csv`."""
    read = pd.read_parquet(path, dtype_backend="numpy_nullable")
    # pandas reads date32 as dates (objects), dictionaries as categoricals.
    return read.astype(
        {c: "string" for c in read.columns if read[c].dtype == object}
        | dict.fromkeys(DAYS, "datetime64[s]")
        | dict.fromkeys(FRACTIONS, "float64")
        | {"id": "int64"}
        | dict.fromkeys(CATEGORIES, "string")
    )


@pytest.fixture
def samples_url(database_url: str, engine) -> str:
    """The seed events (links, several actors a role, quotes) and the real GDELT,
    PLOVER and ACLED samples in one database."""
    with session_scope(engine) as session:
        seed_database(session, Path(__file__).resolve().parents[2] / "seed_data")
    for sample in (GDELT_SAMPLE, PLOVER_SAMPLE, ACLED_SAMPLE):
        with session_scope(engine) as session:
            import_file(session, require_shared() / sample, mode="skip_invalid")
    return database_url


def test_parquet_read_in_small_batches_holds_the_csv_rows(
    samples_url: str, engine, tmp_path: Path
):
    """The Parquet export reads tens of thousands of events a batch; here batches of
    a few hundred, so that every kind of event, and events of one day, fall on both
    sides of a batch's end, each batch's actors, sources and links read apart."""
    for filters in ({}, {"text": "attack"}):
        expected = typed_csv(cli(samples_url, "export", *filter_options(filters)))
        with session_scope(engine) as session:
            event_filter = EventFilter.from_mapping(filters)
            tables = list(iter_event_tables(session, event_filter, batch_size=211))
        path = tmp_path / "events.parquet"
        with path.open("wb") as stream:
            assert write_parquet(tables, stream) == len(expected)
        sizes = [table.num_rows for table in tables]
        assert len(sizes) > 3 and set(sizes[:-1]) == {211} and 0 < sizes[-1] <= 211
        pd.testing.assert_frame_equal(
            parquet_frame(path), expected, obj=f"parquet of {filters}"
        )
    # What the batches join: each kind of cell is met (the sample has them all).
    for column in ("initiators", "targets", "quotes", "links", "links_json"):
        assert expected[column].notna().any(), column


# Texts JSON must escape, and some it must not, in every item the Parquet export
# writes as JSON (actors, sources, links): its JSON is built in Arrow, the CSV's
# in SQL, and they must agree to the byte.
AWKWARD = [
    'He said "cease-fire"',
    "back\\slash C:\\path",
    "line\nbreak and tab\tand return\r",
    "bell\x07 escape\x1b unit\x1f",
    "Київ, Харків, ‮ mark",
    "emoji \U0001f600 and del\x7f and \u2028 separator",
    '{"json": [1, 2]}',
]


def test_parquet_writes_awkward_texts_as_the_csv_does(
    database_url: str, engine, tmp_path: Path
):
    records = []
    for at, awkward in enumerate(AWKWARD, start=1):
        records.append(
            (
                at,
                {
                    "title": f"Event {at}",
                    "event_type": "ASSAULT",
                    "date_start": "2025-05-24",
                    "actors": [
                        {"name": f"Group {awkward}", "role": "initiator"},
                        {
                            "name": f"Army {at} {awkward}",
                            "role": "target",
                            "country": "UKR" if at % 2 else None,
                        },
                    ],
                    "sources": [
                        {
                            "url": f"https://example.org/{at}",
                            "title": awkward,
                            "publisher": None if at % 2 else awkward,
                            "quote": awkward if at % 3 else None,
                            "published": "2025-05-25",
                        }
                    ],
                    "links": [
                        {
                            "relation": "responds_to",
                            "external_id": f"{AWKWARD[at - 2]} #{at - 1}",
                            "dataset": "acled",
                        }
                    ]
                    if at > 1
                    else [],
                    "dataset": "acled",
                    "external_id": f"{awkward} #{at}",
                },
            )
        )
    with session_scope(engine) as session:
        events = validate_event_records(records)
        save_events(session, events)
    expected = typed_csv(cli(database_url, "export"))
    for column in ("actors_json", "sources_json", "links_json", "quotes"):
        assert expected[column].notna().sum() >= 5, column
    with session_scope(engine) as session:
        tables = list(iter_event_tables(session, EventFilter(), batch_size=3))
    path = tmp_path / "events.parquet"
    with path.open("wb") as stream:
        assert write_parquet(tables, stream) == len(AWKWARD)
    pd.testing.assert_frame_equal(parquet_frame(path), expected)


def test_timeline_is_the_dashboards_figures_counted_in_sql(loaded_url: str, engine):
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT date_start, event_type, score,"
                " coalesce(fatalities_best, fatalities_low, fatalities_high)"
                " FROM event WHERE status IN ('confirmed', 'disputed')"
            )
        ).all()
    by_type: dict[tuple, int] = defaultdict(int)
    weeks: dict[dt.date, list] = defaultdict(list)
    for start, event_type, score, killed in rows:
        day = dt.date.fromisoformat(str(start))
        monday = day - dt.timedelta(days=day.weekday())
        by_type[(monday, event_type)] += 1
        weeks[monday].append((score, killed))
    with tracker.open(loaded_url) as db:
        timeline = db.timeline("week")
    assert [d.date() for d in timeline.index] == sorted(weeks)
    for monday, events in weeks.items():
        row = timeline.loc[pd.Timestamp(monday)]
        assert row["events"] == len(events)
        scores = [score for score, _ in events]
        assert row["mean_score"] == pytest.approx(sum(scores) / len(scores))
        known = [killed for _, killed in events if killed is not None]
        assert row["fatalities_best"] == sum(known)
        assert row["events_with_fatalities"] == len(known)
    for (monday, event_type), count in by_type.items():
        assert timeline.loc[pd.Timestamp(monday), event_type] == count
    types = {event_type for _, event_type in by_type}
    assert set(timeline.columns) - set(TIMELINE_FIGURES) == types
    assert timeline[sorted(types)].sum().sum() == len(rows)


def test_refused_filters_name_the_field_and_read_nothing(loaded_url: str):
    with tracker.open(loaded_url) as db:
        with pytest.raises(InvalidFilter) as refused:
            db.events(since="2024-13-01", event_type="ASSAULT")
        message = str(refused.value)
        assert "since: is not a calendar date" in message
        assert "event_type: is not a filter" in message
        with pytest.raises(ValueError, match="min_fatalities: must be a whole number"):
            db.timeline(min_fatalities=-1)
        with pytest.raises(ValueError, match="period: must be one of day, week"):
            db.timeline("fortnight")
        with pytest.raises(ValueError, match="chunksize must be 1 or more"):
            db.events(chunksize=0)


def test_a_missing_file_is_not_made_into_an_empty_database(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="no tracker database"):
        tracker.open(tmp_path / "nothing.db")
    assert not (tmp_path / "nothing.db").exists()


def test_a_database_without_the_schema_is_refused(tmp_path: Path):
    (tmp_path / "empty.db").touch()
    with pytest.raises(ConfigurationError, match="no tracker schema yet"):
        tracker.open(tmp_path / "empty.db")
    with pytest.raises(FileNotFoundError, match="no tracker database"):
        tracker.open(f"sqlite:///{tmp_path / 'other.db'}")
    assert not (tmp_path / "other.db").exists()
