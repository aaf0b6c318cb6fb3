"""The shapes a GDELT event file comes in, and how its lines become named fields.

How it maps, and the decisions behind it: docs/formats.md,
"The shapes of a GDELT file"."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker.errors import InvalidInput, Problem
from tracker.formats.base import RawRow

PROBLEM_KEY = "#problem"  # set on a line that could not be read as a row

_ACTOR = (
    "Code Name CountryCode KnownGroupCode EthnicCode Religion1Code Religion2Code "
    "Type1Code Type2Code Type3Code"
).split()
_GEO = "Type FullName CountryCode ADM1Code ADM2Code Lat Long FeatureID".split()
COLUMNS_V2: tuple[str, ...] = (
    ("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate")
    + tuple(f"Actor1{name}" for name in _ACTOR)
    + tuple(f"Actor2{name}" for name in _ACTOR)
    + ("IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass")
    + ("GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone")
    + tuple(
        f"{who}Geo_{name}" for who in ("Actor1", "Actor2", "Action") for name in _GEO
    )
    + ("DATEADDED", "SOURCEURL")
)
COLUMNS_V1 = tuple(name for name in COLUMNS_V2 if not name.endswith("ADM2Code"))
COLUMNS_BY_WIDTH = {61: COLUMNS_V2, 58: COLUMNS_V1, 57: COLUMNS_V1[:-1]}
EXTRA_WIDTHS = (62, 63)  # a 2.0 row and one or two columns a tool added
REQUIRED_COLUMNS = ("GLOBALEVENTID", "SQLDATE", "EventCode")
EVENT_CODE_AT = COLUMNS_V2.index("EventCode")
QUAD_CLASS_AT = COLUMNS_V2.index("QuadClass")
QUAD_CLASSES = ("1", "2", "3", "4")


def _folded(name: str) -> str:
    """A column name as compared: lower case, letters and digits only."""
    return "".join(char for char in name.lower() if char.isalnum())


# Folded name -> GDELT's name; "day" is the 2.0 codebook's name for SQLDATE.
KNOWN_NAMES = {_folded(name): name for name in COLUMNS_V2} | {"day": "SQLDATE"}


@dataclass(frozen=True)
class Layout:
    """How a file's lines split: the delimiter and the GDELT name of each position
    (None: a column GDELT does not have, ignored)."""

    delimiter: str
    columns: tuple[str | None, ...]


def split_fields(text: str, delimiter: str) -> list[str]:
    """One line's fields: tab files are split as GDELT writes them (no quoting),
    comma files as CSV, since tools quote names such as "Kyiv, Kyyiv, Misto"."""
    if delimiter == "\t":
        return text.split("\t")
    try:
        return next(csv.reader([text]), [])
    except csv.Error as error:  # a bare carriage return or a stray quote in the line
        raise UnreadableLine(f"cannot be read as CSV: {error}") from None


class UnreadableLine(ValueError):
    """A line the csv module cannot split (see `split_fields`)."""


def header_layout(first_line: str) -> Layout | None:
    """The layout a header row describes, or None when the line is no GDELT header
    (it must name at least GLOBALEVENTID and EventCode)."""
    delimiter = "\t" if "\t" in first_line else ","
    try:
        fields = split_fields(first_line, delimiter)
    except UnreadableLine:
        return None
    names = tuple(KNOWN_NAMES.get(_folded(field)) for field in fields)
    if "GLOBALEVENTID" not in names or "EventCode" not in names:
        return None
    return Layout(delimiter, names)


def _is_date_run(fields: Sequence[str], start: int) -> bool:
    """SQLDATE, MonthYear and Year (8, 6 and 4 digits) begin at `start`."""
    run = [field.strip() for field in fields[start : start + 3]]
    return [len(f) for f in run] == [8, 6, 4] and all(f.isdigit() for f in run)


def headerless_columns(fields: Sequence[str]) -> tuple[str | None, ...] | None:
    """The GDELT name of each field of a line without a header, or None when the
    line has no GDELT shape (see the module docstring)."""
    width = len(fields)
    if width in COLUMNS_BY_WIDTH:
        return COLUMNS_BY_WIDTH[width]
    if width not in EXTRA_WIDTHS:
        return None
    first = next((at for at in (0, 1) if _is_date_run(fields, at + 1)), None)
    if first is None:
        return None
    columns: list[str | None] = [None] * first + list(COLUMNS_V2)
    if fields[first + QUAD_CLASS_AT].strip() not in QUAD_CLASSES and (
        width - first > len(COLUMNS_V2)
        and fields[first + QUAD_CLASS_AT + 1].strip() in QUAD_CLASSES
    ):
        columns.insert(first + EVENT_CODE_AT + 1, None)  # gdeltPyR's description
    if len(columns) > width:
        return None
    return tuple(columns + [None] * (width - len(columns)))


def _problem(line: int, column: str, value: Any, reason: str) -> RawRow:
    return RawRow(line, {PROBLEM_KEY: (column, value, reason)})


def _decoded(line: int, raw: bytes, layout: Layout | None) -> str | RawRow:
    """The line as text, or a row carrying the column of a byte that is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        head = raw[: error.start].decode("utf-8", errors="replace")
        delimiter = layout.delimiter if layout else "\t"
        position = head.count(delimiter)
        columns = (
            layout.columns if layout else COLUMNS_BY_WIDTH.get(raw.count(b"\t") + 1, ())
        )
        column = (columns[position] if position < len(columns) else None) or "record"
        byte = raw[error.start : error.start + 1]
        return _problem(line, column, None, f"byte {byte!r} is not UTF-8 text")


def _row(line: int, text: str, layout: Layout | None) -> RawRow:
    """One line as a row of GDELT-named fields, or a row carrying why it is none."""
    try:
        fields = split_fields(text, layout.delimiter if layout else "\t")
    except UnreadableLine as error:
        return _problem(line, "record", None, str(error))
    if layout is None:
        columns = headerless_columns(fields)
        if columns is None:
            reason = f"expected 61 tab-separated fields, got {len(fields)}"
            if len(fields) in EXTRA_WIDTHS:
                reason += (
                    ", and no SQLDATE, MonthYear and Year in fields 2-4 or 3-5 "
                    "to tell which column was added"
                )
            return _problem(line, "record", len(fields), reason)
    else:
        columns = layout.columns
        extra = fields[len(columns) :]
        if len(fields) < len(columns) or any(field.strip() for field in extra):
            reason = f"expected {len(columns)} fields, as the header has, got "
            return _problem(line, "record", len(fields), reason + str(len(fields)))
    named = zip(columns, fields, strict=False)  # fields past the columns are blank
    return RawRow(line, {name: value for name, value in named if name is not None})


def _checked_header(layout: Layout) -> Layout:
    """The layout, or InvalidInput naming the required columns the header lacks."""
    missing = [name for name in REQUIRED_COLUMNS if name not in layout.columns]
    if missing:
        reason = "the header has no such column; a GDELT event needs it"
        raise InvalidInput([Problem(name, reason, line=1) for name in missing])
    return layout


def read_gdelt_lines(path: Path) -> Iterator[RawRow]:
    """Stream the rows of a GDELT file of any shape above; blank lines are skipped."""
    layout: Layout | None = None
    first = True  # the first line that is not blank may be a header
    with path.open("rb") as handle:
        for line, raw in enumerate(handle, start=1):
            raw = raw.rstrip(b"\r\n")
            if line == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            if not raw.strip():
                continue
            text = _decoded(line, raw, layout)
            if isinstance(text, RawRow):
                yield text
            elif first and (found := header_layout(text)) is not None:
                layout = _checked_header(found)
            else:
                yield _row(line, text, layout)
            first = False
