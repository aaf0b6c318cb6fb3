"""Read JSON text as top-level values, each with the line it starts on.

Two readers of the same shapes (one JSON array, whose elements are the values; JSON
Lines; pretty-printed objects one after another), so errors can say where to look.

`iter_json_values` streams a file, for the PLOVER and native JSON Lines readers of
`tracker import`. It decodes with `json.JSONDecoder.raw_decode` over a buffer that is
refilled chunk by chunk, so memory stays bounded by the largest record. Text that is
not JSON is reported with its line and column, and reading resumes at the next line
starting with "{"; bytes that are not UTF-8 refuse the whole file (InvalidInput).

`parse_json_records` reads text already in memory (`tracker add --json`, the seed
events), where one object alone is a record too, and every bad line is reported.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tracker.errors import InvalidInput, Problem

CHUNK_BYTES = 1 << 16
MAX_RECORD_CHARS = 8 << 20  # a record longer than this is reported as broken JSON
SEPARATORS = " \t\r\n,"


def _decoded_chunks(path: Path) -> Iterator[str]:
    """The file as UTF-8 text in chunks (a byte-order mark is dropped)."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    line = 1
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(CHUNK_BYTES)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                line += chunk[: error.start].count(b"\n")
                byte = chunk[error.start : error.start + 1]
                reason = f"byte {byte!r} is not UTF-8 text; save the file as UTF-8"
                raise InvalidInput([Problem("encoding", reason, line=line)]) from None
            line += text.count("\n")
            if text:
                yield text
            if not chunk:
                return


class _JsonStream:
    """Top-level JSON values of a file, read chunk by chunk."""

    def __init__(self, path: Path):
        self.chunks = _decoded_chunks(path)
        self.buffer, self.pos, self.line, self.eof = "", 0, 1, False

    def advance(self, end: int) -> None:
        """Move past buffer[pos:end], counting its lines."""
        self.line += self.buffer.count("\n", self.pos, end)
        self.pos = end

    def more(self) -> bool:
        """Drop what was read and append the next chunk; False at the end."""
        self.buffer, self.pos = self.buffer[self.pos :], 0
        chunk = next(self.chunks, None)
        if chunk is None:
            self.eof = True
            return False
        self.buffer += chunk
        return True

    def skip_separators(self) -> bool:
        """Skip blanks and commas; False when the file ends first."""
        while True:
            end = self.pos
            while end < len(self.buffer) and self.buffer[end] in SEPARATORS:
                end += 1
            self.advance(end)
            if self.pos < len(self.buffer) or not self.more():
                return self.pos < len(self.buffer)

    def resync(self, start: int) -> None:
        """Skip to the next line after `start` that starts with "{", or to the end."""
        while True:
            found = self.buffer.find("\n{", start)
            if found >= 0:
                self.advance(found + 1)
                return
            start = max(len(self.buffer) - 1 - self.pos, 0)
            if not self.more():
                self.advance(len(self.buffer))
                return


def iter_json_values(path: Path) -> Iterator[tuple[int, Any, str | None]]:
    """(line, value, None) for each top-level JSON value, or (line, None, reason) for
    text that is not JSON; the elements of a top-level array count as values."""
    stream, decoder, started = _JsonStream(path), json.JSONDecoder(), False
    while stream.skip_separators():
        bracket = stream.buffer[stream.pos]
        if bracket == "]" or (bracket == "[" and not started):
            started = True  # the array around the records, not a record
            stream.advance(stream.pos + 1)
            continue
        started = True
        try:
            value, end = decoder.raw_decode(stream.buffer, stream.pos)
        except json.JSONDecodeError as error:
            unread = len(stream.buffer) - stream.pos
            if not stream.eof and unread < MAX_RECORD_CHARS:
                stream.more()  # the record may go on in the next chunk: try again
                continue
            line = stream.line + stream.buffer.count("\n", stream.pos, error.pos)
            column = error.pos - stream.buffer.rfind("\n", 0, error.pos)
            reason = f"not valid JSON: {error.msg} (line {line}, column {column})"
            yield stream.line, None, reason
            stream.resync(stream.pos)
            continue
        yield stream.line, value, None
        stream.advance(end)


def parse_json_records(text: str) -> list[tuple[int, Any]]:
    """(line, record) pairs from a JSON object, a JSON array, JSON Lines, or
    pretty-printed objects one after another."""
    stripped = text.lstrip()
    if not stripped:
        raise InvalidInput(
            [Problem("input", "is empty: expected a JSON object, array or lines")]
        )
    if stripped.startswith("["):
        return _parse_array(text)
    try:
        return [(_first_line(text), json.loads(text))]
    except json.JSONDecodeError:
        pass
    if _starts_pretty_printed(stripped):
        return _parse_concatenated(text)
    return _parse_lines(text)


def _starts_pretty_printed(stripped: str) -> bool:
    """Whether the first line opens an object it does not close, as a pretty-printed
    object does (JSON Lines has a whole object on each line)."""
    first = stripped.split("\n", 1)[0]
    try:
        json.loads(first)
    except json.JSONDecodeError:
        return first.rstrip().startswith("{") and "\n" in stripped
    return False


def _first_line(text: str) -> int:
    return text[: len(text) - len(text.lstrip())].count("\n") + 1


def _parse_array(text: str) -> list[tuple[int, Any]]:
    """Parse a JSON array into (line, element) pairs.

    Each element's line is found by decoding the elements one by one."""
    decoder = json.JSONDecoder()
    try:
        items = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            [Problem("input", f"not valid JSON: {error.msg}", line=error.lineno)]
        ) from error
    pairs, position = [], text.index("[") + 1
    for item in items:
        while text[position] in " \t\r\n,":
            position += 1
        _, end = decoder.raw_decode(text, position)
        pairs.append((text.count("\n", 0, position) + 1, item))
        position = end
    return pairs


def _parse_lines(text: str) -> list[tuple[int, Any]]:
    """JSON Lines: one object per non-blank line; every bad line is reported."""
    pairs, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            pairs.append((number, json.loads(line)))
        except json.JSONDecodeError as error:
            problems.append(
                Problem("record", f"not valid JSON: {error.msg}", line=number)
            )
    if problems:
        raise InvalidInput(problems)
    return pairs


def _parse_concatenated(text: str) -> list[tuple[int, Any]]:
    """Objects one after another, each with the line its "{" is on; text that is
    not JSON is reported at the record it is in, with the exact line and column."""
    decoder, pairs, position = json.JSONDecoder(), [], 0
    while True:
        while position < len(text) and text[position] in " \t\r\n":
            position += 1
        if position == len(text):
            return pairs
        start = text.count("\n", 0, position) + 1
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            where = f"line {error.lineno}, column {error.colno}"
            reason = f"not valid JSON: {error.msg} ({where})"
            raise InvalidInput([Problem("record", reason, line=start)]) from None
        pairs.append((start, value))
