"""Hostile files: whatever a file holds, an import ends in a report or a typed refusal.

Property-based: hypothesis takes a valid file of each format, puts random and
malformed values into its cells (or breaks its bytes), and imports it. Every outcome
must be either a clean import or `InvalidInput` with a line and a reason per problem;
never another exception, and never a partial write (every table unchanged)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import table_counts
from tracker.db import session_scope
from tracker.errors import InvalidInput
from tracker.importing import ImportMode, import_file

DATA = Path(__file__).resolve().parents[1] / "data"

# A valid file of each format, with how its cells are laid out.
BASES = {
    "acled": (DATA / "acled" / "multiline_notes.csv", "csv", "utf-8"),
    "ucdp": (DATA / "ucdp" / "windows_1252.csv", "csv", "cp1252"),
    "gdelt": (DATA / "gdelt" / "valid_strike.CSV", "tsv", "utf-8"),
    "plover": (DATA / "plover" / "v2_records.jsonl", "jsonl", "utf-8"),
    "native": (DATA / "native" / "records.jsonl", "jsonl", "utf-8"),
}

HOSTILE_TEXT = st.sampled_from(
    [
        "",
        " ",
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "javascript:alert(1)",
        "'; DROP TABLE event; --",
        '=HYPERLINK("http://evil")',
        "-1",
        "99999999999999999999999",
        "1e309",
        "NaN",
        "-0",
        "2025-02-30",
        "31/31/2031",
        "0000-00-00",
        "\x00",
        "\u202eevil",
        "Київ",
        "a" * 5000,
        "line\nbreak",
        '"unbalanced',
        "null",
        "[]",
        "{}",
        "true",
    ]
)
HOSTILE_VALUE = st.one_of(
    HOSTILE_TEXT,
    st.text(max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


def corrupt_cells(text: str, layout: str, data: st.DataObject) -> str:
    """Replace a few cells of a CSV/TSV file (header included) with hostile values."""
    delimiter = "\t" if layout == "tsv" else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    for _ in range(data.draw(st.integers(1, 4))):
        row = data.draw(st.integers(0, len(rows) - 1))
        if not rows[row]:
            continue
        column = data.draw(st.integers(0, len(rows[row]) - 1))
        rows[row][column] = data.draw(HOSTILE_VALUE)
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue()


def corrupt_json(text: str, data: st.DataObject) -> str:
    """Replace a few values of JSON records with hostile ones, of any JSON type."""
    records = [json.loads(line) for line in text.splitlines() if line.strip()]
    value = st.one_of(
        HOSTILE_VALUE,
        st.integers(),
        st.none(),
        st.lists(HOSTILE_TEXT, max_size=2),
        st.dictionaries(HOSTILE_TEXT, HOSTILE_TEXT, max_size=2),
    )
    for _ in range(data.draw(st.integers(1, 4))):
        record = records[data.draw(st.integers(0, len(records) - 1))]
        key = data.draw(st.sampled_from(sorted(record)))
        record[key] = data.draw(value)
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n"


def corrupt_bytes(raw: bytes, data: st.DataObject) -> bytes:
    """Cut the file short or splice random bytes into it."""
    at = data.draw(st.integers(0, len(raw)))
    if data.draw(st.booleans()):
        return raw[:at]
    return raw[:at] + data.draw(st.binary(min_size=1, max_size=30)) + raw[at:]


def hostile_file(format_name: str, data: st.DataObject, folder: Path) -> Path:
    path, layout, encoding = BASES[format_name]
    raw = path.read_bytes()
    how = data.draw(st.sampled_from(["cells", "bytes"]))
    if how == "bytes":
        content = corrupt_bytes(raw, data)
    elif layout == "jsonl":
        content = corrupt_json(raw.decode(encoding), data).encode(encoding, "replace")
    else:
        text = corrupt_cells(raw.decode(encoding), layout, data)
        content = text.encode(encoding, "replace")
    target = folder / f"hostile{path.suffix}"
    target.write_bytes(content)
    return target


@pytest.mark.parametrize("format_name", sorted(BASES))
def test_a_hostile_file_is_imported_or_refused_whole(
    engine, tmp_path, format_name, request
):
    examples = 40 if engine.dialect.name == "sqlite" else 15
    outcomes: dict[str, int] = {"imported": 0, "refused": 0}

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        path = hostile_file(format_name, data, tmp_path)
        before = table_counts(engine)
        try:
            with session_scope(engine) as session:
                report = import_file(
                    session, path, format_name=format_name, mode=ImportMode.ATOMIC
                )
        except InvalidInput as error:
            outcomes["refused"] += 1
            assert error.problems
            for problem in error.problems:
                assert problem.field and problem.reason
            assert table_counts(engine) == before, "a refused import wrote something"
            return
        outcomes["imported"] += 1
        assert report.rejected == 0 and not report.failed

    check()
    assert outcomes["refused"] > 0


@pytest.mark.parametrize("format_name", ["acled", "ucdp"])
def test_a_stray_carriage_return_before_the_header_is_refused_at_line_1(
    engine, tmp_path, format_name
):
    # Found by the property above. A bare carriage return ends a line (issue 18:
    # old Mac files), so this file's first line is empty and it has no header.
    path = tmp_path / "broken.csv"
    path.write_bytes(b"\revent_id_cnty,\rid\n1,2\n")
    before = table_counts(engine)
    with pytest.raises(InvalidInput) as refused, session_scope(engine) as session:
        import_file(session, path, format_name=format_name)
    problems = refused.value.problems
    assert problems
    for problem in problems:
        assert problem.line == 1
        assert problem.reason == "required column is missing from the header"
    assert table_counts(engine) == before


@pytest.mark.parametrize("format_name", ["acled", "ucdp"])
def test_a_header_the_csv_module_cannot_parse_is_refused_with_its_line(
    engine, tmp_path, format_name
):
    # A field over the csv module's 131,072-character limit (a 1 MB single line):
    # refused with its line, never raised.
    path = tmp_path / "broken.csv"
    path.write_bytes(b"event_id_cnty," + b"x" * (1 << 20) + b"\n1,2\n")
    before = table_counts(engine)
    with pytest.raises(InvalidInput) as refused, session_scope(engine) as session:
        import_file(session, path, format_name=format_name)
    [problem] = refused.value.problems
    assert problem.line == 1 and "cannot be read as CSV" in problem.reason
    assert table_counts(engine) == before
