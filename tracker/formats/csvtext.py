"""Read the CSV files of outside datasets: encoding, header, rows, and their values.

Shared by the ACLED and UCDP GED readers. Text is UTF-8, or Windows-1252 when the file
holds no valid UTF-8 beyond ASCII (UCDP's own extracts are Windows-1252); a file that
mixes valid UTF-8 with other bytes is read as UTF-8 and refused at the first bad line.
Header names are matched without case, byte-order mark or surrounding blanks. Each row
is a `RawRow` keyed by those names, numbered by the line it starts on, so a quoted
field over several lines still points at its first line. Lines end as Python's
universal newlines have them: "\\r\\n", "\\n" or a bare "\\r" (old Mac files, still
written by some spreadsheet exports), so such a file reads as the CSV it is and its
line numbers are the ones an editor shows.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, BinaryIO

import pycountry

from tracker.errors import InvalidInput, Problem
from tracker.formats.base import RawRow, RowProblem

UTF8, WINDOWS_1252 = "utf-8", "cp1252"
CHUNK_BYTES = 1 << 20
WIDTH_KEY = "#width"  # set on a row whose field count differs from the header's
ELLIPSIS = "…"

# Country names the datasets use that pycountry does not know (ACLED and UCDP
# spellings; UCDP's former names in parentheses are dropped before the lookup).
COUNTRY_ALIASES = {
    "bailiwick of guernsey": "GGY",
    "bailiwick of jersey": "JEY",
    "bosnia-herzegovina": "BIH",
    "brunei": "BRN",
    "burma": "MMR",
    "cape verde": "CPV",
    "democratic republic of congo": "COD",
    "democratic republic of the congo": "COD",
    "dr congo": "COD",
    "east timor": "TLS",
    "ivory coast": "CIV",
    "kingdom of eswatini": "SWZ",
    "macedonia": "MKD",
    "micronesia": "FSM",
    "palestine": "PSE",
    "republic of congo": "COG",
    "russia": "RUS",
    "surinam": "SUR",
    "swaziland": "SWZ",
    "turkey": "TUR",
    "vatican city": "VAT",
    "zaire": "COD",
}

ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
SLASH_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
# An optional time after a date: " 00:00:00", " 12:00:00 AM", "T10:00Z" ...
TIME_OF_DAY = re.compile(
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:\s*[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
LINE_BREAK = re.compile(r"\r\n|\r|\n")
NAMED_MONTH_FORMATS = ("%d %B %Y", "%d %b %Y", "%d-%b-%Y", "%d-%B-%Y", "%B %d, %Y")


def normalise_header(name: str) -> str:
    """A header name as matched: no byte-order mark, no blanks around, lower case."""
    return name.lstrip("\ufeff").strip().lower()


def first_line_names(sample: str) -> list[str]:
    """The normalised column names on the first line of `sample`, in order; []
    when that line cannot be read as CSV (the reader then says why, by line)."""
    first = LINE_BREAK.split(sample.lstrip("\ufeff"), maxsplit=1)[0]
    try:
        return [normalise_header(name) for name in next(csv.reader([first]), [])]
    except csv.Error:
        return []


def header_names(sample: str) -> set[str]:
    """The normalised column names on the first line of `sample`."""
    return set(first_line_names(sample))


def read_header(path: Path, sample_bytes: int = 64 * 1024) -> list[str]:
    """The normalised names of a CSV file's header, in order, from its first bytes
    (a header is text a UTF-8 or Windows-1252 reading agrees on, or near enough to
    describe the file); [] for an empty file."""
    with path.open("rb") as handle:
        sample = handle.read(sample_bytes).decode(UTF8, errors="replace")
    return first_line_names(sample)


def physical_lines(handle: BinaryIO) -> Iterator[bytes]:
    """The lines of a binary file, each with its ending: "\\r\\n", "\\n" or a bare
    "\\r" (as `open(newline="")` splits them). Read in chunks at C speed; a line
    longer than a chunk is joined once, not copied chunk after chunk."""
    pending: list[bytes] = []  # the unfinished line, in pieces
    while chunk := handle.read(CHUNK_BYTES):
        if pending and pending[-1].endswith(b"\r"):  # ended, unless "\n" follows
            line = b"".join(pending)
            pending = []
            if chunk.startswith(b"\n"):
                line, chunk = line + b"\n", chunk[1:]
            yield line
        if b"\n" not in chunk and b"\r" not in chunk:
            if chunk:
                pending.append(chunk)
            continue
        lines = chunk.splitlines(keepends=True)
        if pending:
            lines[0] = b"".join([*pending, lines[0]])
            pending = []
        last = lines.pop()
        yield from lines
        # A last piece without an ending, or ending in a "\r" that a "\n" in the
        # next chunk may complete, waits for that chunk.
        if last.endswith(b"\n"):
            yield last
        else:
            pending.append(last)
    if pending:
        yield b"".join(pending)


def detect_encoding(path: Path) -> str:
    """UTF-8, unless the file has bytes that are not UTF-8 and no multi-byte UTF-8
    character at all: then Windows-1252. Reads the file once, in chunks."""
    decoder = codecs.getincrementaldecoder(UTF8)(errors="replace")
    bad = good = False
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            if chunk.isascii() and not decoder.getstate()[0]:  # most chunks: C speed
                continue
            text = decoder.decode(chunk)
            bad = bad or "\ufffd" in text
            good = good or not text.replace("\ufffd", "").isascii()
            if bad and good:
                break
    return WINDOWS_1252 if bad and not good else UTF8


class _Lines:
    """Decoded lines of a file, remembering those of the record being read."""

    def __init__(self, path: Path, encoding: str):
        self.path, self.encoding = path, encoding
        self.pending: list[str] = []
        self.header: Sequence[str] = ()

    def __iter__(self) -> Iterator[str]:
        with self.path.open("rb") as handle:
            for number, raw in enumerate(physical_lines(handle), start=1):
                try:
                    line = raw.decode(self.encoding)
                except UnicodeDecodeError as error:
                    raise self._undecodable(number, raw, error) from None
                self.pending.append(line)
                yield line

    def _undecodable(
        self, number: int, raw: bytes, error: UnicodeDecodeError
    ) -> InvalidInput:
        before = "".join(self.pending) + raw[: error.start].decode(self.encoding)
        position = len(next(csv.reader([before]), [""])) - 1
        column = (
            self.header[position] if 0 <= position < len(self.header) else "encoding"
        )
        name = "UTF-8" if self.encoding == UTF8 else "Windows-1252"
        byte = raw[error.start : error.start + 1]
        reason = f"byte {byte!r} is not {name} text; save the file as UTF-8"
        return InvalidInput([Problem(column, reason, line=number)])


def read_csv_rows(
    path: Path, *, required: Sequence[tuple[str, ...]], delimiter: str = ","
) -> Iterator[RawRow]:
    """Stream a CSV file's rows keyed by normalised header names.

    `required` lists columns as alternatives (("country", "iso") needs either); a
    missing one, an empty file or an undecodable byte raises InvalidInput."""
    for chunk in read_csv_chunks(path, required=required, size=1, delimiter=delimiter):
        yield chunk.raw_row(0)


@dataclass
class CsvChunk:
    """Consecutive records of a CSV file, as read (`read_csv_chunks`): for each, the
    line it starts on, its spreadsheet row and its fields (as many as the file has)."""

    header: list[str]
    lines: list[int]
    spreadsheet_rows: list[int]
    records: list[list[str]]

    def raw_row(self, position: int) -> RawRow:
        """The record at `position` as `read_csv_rows` gives it."""
        fields = self.records[position]
        values: dict[str, Any] = dict(zip(self.header, fields, strict=False))
        if len(fields) != len(self.header):
            values[WIDTH_KEY] = (len(fields), len(self.header))
        return RawRow(self.lines[position], values, self.spreadsheet_rows[position])


def read_csv_chunks(
    path: Path,
    *,
    required: Sequence[tuple[str, ...]],
    size: int,
    delimiter: str = ",",
) -> Iterator[CsvChunk]:
    """The records `read_csv_rows` reads, `size` at a time, as lists of fields: for
    readers that map whole columns at once. Same header checks, lines and rows."""
    header, records = read_csv_records(path, required=required, delimiter=delimiter)
    chunk = CsvChunk(header, [], [], [])
    for start, spreadsheet_row, fields in records:
        chunk.lines.append(start)
        chunk.spreadsheet_rows.append(spreadsheet_row)
        chunk.records.append(fields)
        if len(chunk.records) >= size:
            yield chunk
            chunk = CsvChunk(header, [], [], [])
    if chunk.records:
        yield chunk


def read_csv_records(
    path: Path, *, required: Sequence[tuple[str, ...]], delimiter: str = ","
) -> tuple[list[str], Iterator[tuple[int, int, list[str]]]]:
    """The normalised header, and each non-blank record as (line it starts on,
    spreadsheet row, fields). The header is checked at once: a missing required
    column, a repeated one or an empty file raises InvalidInput."""
    lines = _Lines(path, detect_encoding(path))
    reader = csv.reader(lines, delimiter=delimiter)
    header = [normalise_header(name) for name in next(_records(reader), [])]
    lines.header, lines.pending = header, []
    problems = [
        Problem(
            " or ".join(options),
            "required column is missing from the header",
            line=1,
        )
        for options in required
        if not any(option in header for option in options)
    ]
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    problems += [
        Problem(name, "column appears twice in the header", line=1) for name in repeated
    ]
    if problems:
        raise InvalidInput(problems)
    return header, _numbered(reader, lines)


def _numbered(reader: Any, lines: _Lines) -> Iterator[tuple[int, int, list[str]]]:
    ended = reader.line_num
    # A spreadsheet shows the header as row 1 and a blank line as an empty row.
    for spreadsheet_row, fields in enumerate(_records(reader), start=2):
        start, ended = ended + 1, reader.line_num
        lines.pending = []
        if not "".join(fields).strip():
            continue  # a blank line
        yield start, spreadsheet_row, fields


def _records(reader: Any) -> Iterator[list[str]]:
    """The reader's records; InvalidInput naming the line where CSV parsing fails
    (a field over the csv module's 131,072-character limit, for instance)."""
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            reason = f"cannot be read as CSV: {error}"
            raise InvalidInput([Problem("row", reason, line=reader.line_num)]) from None
        yield fields


def check_width(values: Mapping[str, Any]) -> None:
    """RowProblem if the row has more or fewer fields than the header."""
    if WIDTH_KEY in values:
        found, expected = values[WIDTH_KEY]
        reason = f"has {found} fields but the header has {expected}"
        raise RowProblem("row", found, reason)


def text_of(values: Mapping[str, Any], column: str) -> str:
    """The value of `column` without surrounding blanks; "" when absent or empty."""
    value = values.get(column)
    return value.strip() if isinstance(value, str) else ""


def split_list(text: str, separator: str = ";") -> list[str]:
    """The non-empty items of a separated list, each once, in order."""
    items = (" ".join(item.split()) for item in text.split(separator))
    return list(dict.fromkeys(item for item in items if item))


def cut(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, ending with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def parse_date(values: Mapping[str, Any], column: str, *, day_first: bool) -> dt.date:
    """A date in ISO form, with slashes (day-first or month-first, as the dataset
    writes them; a time after it is ignored) or with a month name."""
    text = text_of(values, column)
    if match := _full_match(ISO_DATE, text):
        year, month, day = match
    elif match := _full_match(SLASH_DATE, text):
        first, second, year = match
        day, month = (first, second) if day_first else (second, first)
    else:
        return _named_month_date(text, column, day_first=day_first)
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError as error:
        raise RowProblem(column, text, f"is not a valid date: {error}") from None


def _full_match(pattern: re.Pattern[str], text: str) -> tuple[str, ...] | None:
    match = re.fullmatch(pattern.pattern + TIME_OF_DAY.pattern, text)
    return match.groups() if match else None


def _named_month_date(text: str, column: str, *, day_first: bool) -> dt.date:
    for form in NAMED_MONTH_FORMATS:
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    order = "DD/MM/YYYY" if day_first else "MM/DD/YYYY"
    reason = f"is not a date: expected YYYY-MM-DD, {order} or 16 May 2025"
    raise RowProblem(column, text, reason if text else "is empty: a date is required")


def parse_float(values: Mapping[str, Any], column: str) -> float | None:
    """A decimal number, None when blank; RowProblem when it is not a number."""
    text = text_of(values, column)
    if not text:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise RowProblem(column, text, "is not a number") from None


def parse_count(values: Mapping[str, Any], column: str) -> int | None:
    """A whole number ("12" or "12.0"), None when blank; RowProblem otherwise."""
    text = text_of(values, column)
    if not text:
        return None
    number = text.removesuffix(".0")
    if not re.fullmatch(r"-?\d+", number):
        raise RowProblem(column, text, "is not a whole number")
    return int(number)


def parse_code(values: Mapping[str, Any], column: str, codes: Mapping[str, Any]) -> Any:
    """What a code ("1", "2.0" ...) stands for in `codes`; None when blank."""
    code = text_of(values, column).removesuffix(".0")
    if not code:
        return None
    if code not in codes:
        raise RowProblem(column, code, f"expected {', '.join(codes)} or blank")
    return codes[code]


def _fold(name: str) -> str:
    """Compare names without accents, case or repeated blanks."""
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(plain.replace("’", "'").split()).casefold()


@cache
def _countries_by_name() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("alpha_3", "name", "official_name", "common_name"):
            if value := getattr(country, attribute, None):
                names.setdefault(_fold(value), country.alpha_3)
    names.update(COUNTRY_ALIASES)
    return names


@lru_cache(maxsize=4096)  # a file names few countries, on every row
def country_iso3(name: str) -> str | None:
    """The ISO 3166 alpha-3 code of a country name or code, None if it names none.

    "Russia (Soviet Union)" is read as "Russia"; seas and Kosovo give None."""
    folded = _fold(name)
    if not folded:
        return None
    names = _countries_by_name()
    found = names.get(folded)
    if found is None and "(" in folded:
        found = names.get(folded.split("(", 1)[0].strip())
    return found


@lru_cache(maxsize=1024)
def country_from_numeric(code: str) -> str | None:
    """The ISO 3166 alpha-3 code for a numeric code such as "804" or "804.0"."""
    digits = code.strip().removesuffix(".0")
    if not digits.isdigit():
        return None
    country = pycountry.countries.get(numeric=f"{int(digits):03d}")
    return country.alpha_3 if country is not None else None
