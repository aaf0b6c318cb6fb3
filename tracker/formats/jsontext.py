"""Read JSON text as a stream of top-level values, each with the line it starts on.

Shared by the PLOVER and native JSON Lines readers. A file may hold one JSON array (its
elements are the values), JSON Lines, or pretty-printed objects one after another.
`iter_json_values` decodes them with `json.JSONDecoder.raw_decode` over a buffer that
is refilled chunk by chunk, so memory stays bounded by the largest record. Text that is
not JSON is reported with its line and column, and reading resumes at the next line
starting with "{"; bytes that are not UTF-8 refuse the whole file (InvalidInput).
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
