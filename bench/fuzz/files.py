"""Mutated files for the upload callbacks: real-shaped files, then damaged.

The bases are a small ACLED CSV (from bench.generate_acled, the same invented rows
the benchmarks use), a native JSON Lines line and an article's text; each mutation
changes one thing a file from the wild can have wrong: its encoding, its line
endings, NUL bytes, a multibyte character cut short, one 1 MB line, thousands of
columns, nothing at all."""

from __future__ import annotations

import base64
import csv
import io
import json
import random
from collections.abc import Callable

from bench.generate_acled import ACLED_COLUMNS, rows

MB = 1024 * 1024


def acled_csv(count: int = 5, seed: int = 18) -> str:
    """A few invented ACLED rows with their header, as text."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(count, seed))
    return out.getvalue()


def native_jsonl() -> str:
    """One native event as JSON Lines, the shape `tracker export --format jsonl` has."""
    record = {
        "title": "Shelling near Kupiansk",
        "event_type": "ASSAULT",
        "mode": "artillery",
        "date_start": "2025-05-01",
        "date_precision": "day",
        "status": "confirmed",
        "location": {"name": "Kupiansk", "country": "UKR"},
        "actors": [{"name": "Military Forces of Russia", "role": "initiator"}],
        "sources": [{"url": "https://example.org/a", "publisher": "Example"}],
    }
    return json.dumps(record) + "\n"


ARTICLE = (
    "KYIV, May 3 (Example) - Russian forces shelled Kharkiv on Friday, killing "
    "three civilians, the regional governor said.\n"
)


def _encodings(text: str, rng: random.Random) -> bytes:
    encoding = rng.choice(("utf-16", "utf-16-le", "utf-32", "cp1251", "latin-1"))
    return (text + "Київ İstanbul\n").encode(encoding, errors="replace")


def _bare_cr(text: str, rng: random.Random) -> bytes:
    return text.replace("\n", "\r").encode()


def _crlf_mixed(text: str, rng: random.Random) -> bytes:
    lines = text.split("\n")
    return "".join(line + rng.choice(("\n", "\r\n", "\r")) for line in lines).encode()


def _nul_bytes(text: str, rng: random.Random) -> bytes:
    data = bytearray(text.encode())
    for _ in range(rng.choice((1, 10, 1000))):
        data.insert(rng.randrange(len(data) + 1), 0)
    return bytes(data)


def _truncated_multibyte(text: str, rng: random.Random) -> bytes:
    data = (text + "Київ 𝕿").encode()
    cut = rng.choice((1, 2, 3))
    return data[:-cut] if rng.random() < 0.5 else data[: len(data) // 2] + b"\xd0"


def _one_long_line(text: str, rng: random.Random) -> bytes:
    header, _, rest = text.partition("\n")
    cell = rng.choice(("x", "Київ", '"', ",")) * (MB // 4)
    return f"{header}\n{cell}\n{rest}".encode()


def _many_columns(text: str, rng: random.Random) -> bytes:
    count = rng.choice((1000, 20_000))
    header = ",".join(f"c{n}" for n in range(count))
    return (header + "\n" + ",".join("1" for _ in range(count)) + "\n").encode()


def _bom_and_garbage(text: str, rng: random.Random) -> bytes:
    return rng.choice(
        (
            b"\xef\xbb\xbf" + text.encode(),
            b"\xef\xbb\xbf\xef\xbb\xbf" + text.encode(),
            bytes(rng.randrange(256) for _ in range(4096)),
            b"\x89PNG\r\n\x1a\n" + bytes(200),
            b"PK\x03\x04" + bytes(100),
        )
    )


def _empty_or_header(text: str, rng: random.Random) -> bytes:
    header, _, _ = text.partition("\n")
    return rng.choice((b"", b"\n", header.encode(), (header + "\n").encode(), b"\r"))


def _broken_quotes(text: str, rng: random.Random) -> bytes:
    header, _, rest = text.partition("\n")
    return f'{header}\n"unterminated,{rest}'.encode()


def _metacharacters(text: str, rng: random.Random) -> bytes:
    header, _, rest = text.partition("\n")
    poison = "=cmd|' /C calc'!A0,<script>alert(1)</script>,'; DROP TABLE event; --"
    return f"{header}\n{poison}\n{rest}".encode()


MUTATIONS: dict[str, Callable[[str, random.Random], bytes]] = {
    "encoding": _encodings,
    "bare CR": _bare_cr,
    "mixed line endings": _crlf_mixed,
    "NUL bytes": _nul_bytes,
    "truncated multibyte": _truncated_multibyte,
    "1 MB line": _one_long_line,
    "many columns": _many_columns,
    "BOM or binary": _bom_and_garbage,
    "empty or header only": _empty_or_header,
    "broken quotes": _broken_quotes,
    "metacharacters": _metacharacters,
}


def mutated_file(rng: random.Random, base: str) -> tuple[bytes, str]:
    """A damaged copy of `base` and the name of the damage."""
    name = rng.choice(sorted(MUTATIONS))
    return MUTATIONS[name](base, rng), name


def data_url(data: bytes, rng: random.Random) -> str:
    """The file as dcc.Upload sends it: a base64 data URL, now and then malformed."""
    encoded = base64.b64encode(data).decode()
    shape = rng.randrange(12)
    if shape == 0:
        return encoded  # no header
    if shape == 1:
        return "data:text/csv;base64," + encoded[:-3]  # broken padding
    if shape == 2:
        return "data:text/csv;base64," + encoded.replace("A", "*", 3)
    if shape == 3:
        return "data:text/csv," + data.decode("latin-1")  # not base64 at all
    return "data:text/csv;base64," + encoded
