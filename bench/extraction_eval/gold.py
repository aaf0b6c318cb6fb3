"""The gold sets: the seed events, the PLOVER gold records and the ACLED notes.

Each reader returns plain records; `in_tune_half` fixes the split used to tune the
extraction vocabularies (the other half is held out and reported separately)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pycountry

from tracker.formats.csvtext import parse_date, read_csv_rows, text_of
from tracker.vocab import taxonomy
from tracker.vocab.dates import covered_interval

PLOVER_FILE = Path("real_data/plover/PLOVER_GSR_CAMEO.txt")
ACLED_DIR = Path("real_data/acled")
SEED_ARTICLE = Path("seed/000_33f574f717f29a05.txt")
SEED_PUBLISHED = dt.date(2025, 5, 28)
# The PLOVER gold records carry a placeholder date; extraction needs some publication.
PLOVER_PUBLISHED = dt.date(2000, 1, 1)


def in_tune_half(record_id: str) -> bool:
    """True when the record belongs to the half the vocabularies may be tuned on."""
    return int(hashlib.sha256(record_id.encode()).hexdigest(), 16) % 2 == 0


def subsample(records: list, limit: int | None) -> list:
    """At most `limit` records, the same ones on every run: lowest id hash first."""
    if limit is None or len(records) <= limit:
        return records
    digest = lambda r: hashlib.sha256(r.record_id.encode()).hexdigest()  # noqa: E731
    keep = {r.record_id for r in sorted(records, key=digest)[:limit]}
    return [r for r in records if r.record_id in keep]


@dataclass(frozen=True)
class SeedGold:
    """One seed event: its type and the date range it may cover."""

    record_id: str
    title: str
    event_type: str
    mode: str | None
    date_start: dt.date
    date_end: dt.date
    quote: str


@dataclass(frozen=True)
class PloverGold:
    """One PLOVER gold sentence with its 2.0 type, actor countries and deaths."""

    record_id: str
    text: str
    event_type: str
    mode: str | None
    countries: frozenset[str]
    dead: int | None


@dataclass(frozen=True)
class AcledGold:
    """One ACLED note with what ACLED coded for it."""

    record_id: str
    text: str
    published: dt.date
    event_type: str
    sub_event_type: str
    fatalities: int
    latitude: float | None
    longitude: float | None
    admin1: str


def read_seed(shared: Path, seed_dir: Path) -> tuple[str, list[SeedGold]]:
    """The seed article's text and the events coded from it in seed_data/."""
    text = (shared / SEED_ARTICLE).read_text(encoding="utf-8")
    events = []
    for line in (seed_dir / "events.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        start = dt.date.fromisoformat(raw["date_start"])
        end = dt.date.fromisoformat(raw["date_end"]) if raw.get("date_end") else None
        first, last = covered_interval(start, end, raw.get("date_precision", "day"))
        events.append(
            SeedGold(
                record_id=raw["external_id"],
                title=raw["title"],
                event_type=raw["event_type"],
                mode=raw.get("mode"),
                date_start=first,
                date_end=last,
                quote=raw["sources"][0].get("quote") or "",
            )
        )
    return text, events


def cameo_country(code: str) -> str | None:
    """The ISO3 country of a CAMEO actor code: its first three letters when they are
    an ISO 3166 alpha-3 code (ISR, USAGOV -> USA, SYRMIL -> SYR); None for IGO, NGO,
    MNC and other non-state roots."""
    root = code.strip().upper()[:3]
    if len(root) == 3 and root.isalpha() and pycountry.countries.get(alpha_3=root):
        return root
    return None


def _plover_type(record: dict) -> tuple[str, str | None]:
    """The 2.0 (type, mode) of a 0.5b1 record, as tracker's importer reads it."""
    category = str(record.get("event") or "")
    mode = record.get("mode") or None
    try:
        return taxonomy.legacy_to_plover(category, mode)
    except ValueError:  # a mode PLOVER 2.0 dropped: keep the type
        return taxonomy.legacy_to_plover(category)


def _actor_countries(record: dict) -> frozenset[str]:
    actors: list = []
    for key in ("source", "target"):
        value = record.get(key)
        actors += value if isinstance(value, list) else []
    codes = (a.get("code", "") for a in actors if isinstance(a, dict))
    return frozenset(c for c in map(cameo_country, codes) if c)


def read_plover_gold(path: Path) -> tuple[list[PloverGold], list[str]]:
    """The gold sentences, and the ids skipped (the DOCUMENT record, categories with
    no PLOVER 2.0 type, records without text)."""
    records, skipped = [], []
    for record in json.loads(path.read_text(encoding="utf-8")):
        record_id = str(record.get("id", ""))
        text = str(record.get("text") or "").strip()
        try:
            event_type, mode = _plover_type(record)
        except (KeyError, ValueError):
            skipped.append(record_id)
            continue
        if not text:
            skipped.append(record_id)
            continue
        dead = str(record.get("dead") or "").strip()
        records.append(
            PloverGold(
                record_id=record_id,
                text=text,
                event_type=event_type,
                mode=mode,
                countries=_actor_countries(record),
                dead=int(dead) if dead.isdigit() else None,
            )
        )
    return records, skipped


def _acled_rows(path: Path) -> Iterator[AcledGold]:
    required = (("event_id_cnty",), ("event_date",), ("event_type",), ("notes",))
    for row in read_csv_rows(path, required=required):
        values = row.values
        text = text_of(values, "notes")
        if not text:
            continue
        lat, lon = text_of(values, "latitude"), text_of(values, "longitude")
        yield AcledGold(
            record_id=text_of(values, "event_id_cnty"),
            text=text,
            published=parse_date(values, "event_date", day_first=True),
            event_type=text_of(values, "event_type"),
            sub_event_type=text_of(values, "sub_event_type"),
            fatalities=int(text_of(values, "fatalities") or 0),
            latitude=float(lat) if lat else None,
            longitude=float(lon) if lon else None,
            admin1=text_of(values, "admin1"),
        )


def read_acled_gold(paths: Iterable[Path]) -> list[AcledGold]:
    """Every note of the ACLED CSVs, read as tracker's importer reads the files."""
    return [record for path in sorted(paths) for record in _acled_rows(path)]
