"""Read PLOVER JSON: each record becomes an event (dataset "plover").

How it maps, and the decisions behind it: docs/formats.md,
"Reading PLOVER JSON"."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pycountry

from tracker.formats.base import ASSUMED_KEY, RawRow, RowProblem
from tracker.formats.csvtext import country_iso3, cut
from tracker.formats.jsontext import iter_json_values
from tracker.formats.plover.coding import as_list, contexts_of, event_coding, text_of
from tracker.models import ActorKind, ActorRole, GeoPrecision, validate_http_url

PLOVER_DATASET = "plover"
PROBLEM_KEY = "#problem"  # set on a row that could not be read as a record
REPEATED_KEY = "#repeated_id"  # (first line, occurrence) of a reused id
DOCUMENT = "DOCUMENT"
QUOTE_LIMIT = 5000

# CAMEO/PLOVER actor sectors (first three letters) -> our actor kind.
SECTOR_KINDS = {
    "GOV": ActorKind.GOVERNMENT,
    "LEG": ActorKind.GOVERNMENT,
    "JUD": ActorKind.GOVERNMENT,
    "SPY": ActorKind.GOVERNMENT,
    "MIL": ActorKind.MILITARY,
    "COP": ActorKind.MILITARY,  # police, as ACLED's "Police Forces of" are state forces
    "REB": ActorKind.ARMED_GROUP,
    "INS": ActorKind.ARMED_GROUP,
    "SEP": ActorKind.ARMED_GROUP,
    "UAF": ActorKind.ARMED_GROUP,
    "CVL": ActorKind.CIVILIANS,
    "CIV": ActorKind.CIVILIANS,
    "REF": ActorKind.CIVILIANS,
    "MED": ActorKind.MEDIA,
    "JRN": ActorKind.MEDIA,
    "IGO": ActorKind.INTERNATIONAL_ORGANISATION,
}
RESOLUTION_PRECISION = {
    5: GeoPrecision.EXACT,
    4: GeoPrecision.EXACT,
    3: GeoPrecision.NEAR,
    2: GeoPrecision.ADMIN1,
    1: GeoPrecision.COUNTRY,
}
# Where a location object may name its place, most specific first.
PLACE_NAME_KEYS = (
    "resolved_place",
    "extracted_place",
    "name",
    "city",
    "district",
    "province",
)
SENTENCE_END = re.compile(r"[.!?](?=\s)")
TITLE_LIMIT = 300
EVENT_KEY = re.compile(r'"event"\s*:')
ACTOR_KEY = re.compile(r'"(?:actor|recipient|source|target)"\s*:')


def actor_kind(sector: str, *, is_country: bool = False) -> str | None:
    """Our actor kind for a CAMEO/PLOVER sector code ("GOV", "CVLalb" ...), else
    "state" for an actor named by a bare country code, else None (unknown)."""
    kind = SECTOR_KINDS.get(sector.strip()[:3].upper())
    if kind is not None:
        return kind.value
    return ActorKind.STATE.value if is_country else None


def iso3_code(code: str) -> str | None:
    """The ISO 3166 alpha-3 code for an alpha-3 or alpha-2 code, None if neither."""
    code = code.strip().upper()
    if len(code) == 3 and code.isalpha():
        country = pycountry.countries.get(alpha_3=code)
    elif len(code) == 2 and code.isalpha():
        country = pycountry.countries.get(alpha_2=code)
    else:
        return None
    return country.alpha_3 if country is not None else None


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def _date(record: Mapping[str, Any], key: str) -> dt.date | None:
    text = text_of(record.get(key))
    if not text:
        if key == "date":
            raise RowProblem(key, None, "is missing: a PLOVER record needs a date")
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise RowProblem(key, text, "is not a date written YYYY-MM-DD") from None


def _count(value: Any, column: str) -> int | None:
    text = text_of(value)
    if not text:
        return None
    if not text.isdigit():
        raise RowProblem(column, value, "is not a whole number of people")
    return int(text)


def _entity(entity: Any, role: ActorRole) -> dict[str, Any] | None:
    if isinstance(entity, str):
        entity = {"code": entity}
    if not isinstance(entity, Mapping):
        return None
    code, sector = text_of(entity.get("code")), text_of(entity.get("sector"))
    name = text_of(entity.get("entity_text")) or text_of(entity.get("actorText"))
    name = name or " ".join(part for part in (code, sector) if part)
    if not name:
        return None
    country = iso3_code(code) if len(code) == 3 else None
    if code.upper().startswith("IGO") and not sector:
        sector = "IGO"
    kind = actor_kind(sector, is_country=country is not None and not sector)
    return {"name": name, "role": role.value, "kind": kind, "country": country}


def _actors(record: Mapping[str, Any], *, hosted: bool) -> list[dict[str, Any]]:
    doers = as_list(record.get("actor", record.get("source")))
    receivers = as_list(record.get("recipient", record.get("target")))
    doer_role = ActorRole.INITIATOR
    if len(doers) > 1 and not receivers:
        doer_role = ActorRole.PARTICIPANT
    receiver_role = ActorRole.TARGET
    if hosted:  # 0.5b1 CONSULT host: the source hosts the visiting target
        doer_role, receiver_role = ActorRole.TARGET, ActorRole.INITIATOR
    refs = [_entity(e, doer_role) for e in doers]
    refs += [_entity(e, receiver_role) for e in receivers]
    return [ref for ref in refs if ref is not None]


def _coordinate(place: Mapping[str, Any], key: str) -> float | None:
    value = place.get(key)
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise RowProblem(f"event_loc.{key}", value, "is not a number") from None


def _location(record: Mapping[str, Any]) -> dict[str, Any] | None:
    place = record.get("event_loc", record.get("eventLoc"))
    if place in (None, "", {}):
        return None
    if isinstance(place, str):
        place = {"name": place}
    if not isinstance(place, Mapping):
        raise RowProblem("event_loc", None, "must be a location object")
    latitude, longitude = _coordinate(place, "lat"), _coordinate(place, "lon")
    code = text_of(place.get("country_code")) or text_of(place.get("country code"))
    country = iso3_code(code) if code else None
    if code and country is None:
        raise RowProblem("event_loc.country_code", code, "is not an ISO 3166 code")
    name = next(
        (text_of(place.get(k)) for k in PLACE_NAME_KEYS if text_of(place.get(k))), ""
    )
    country_name = text_of(place.get("country"))
    country = country or (country_iso3(country_name) if country_name else None)
    name = name or country_name
    if not name and latitude is not None and longitude is not None:
        name = f"{latitude:.4f}, {longitude:.4f}"
    if not name:
        return None
    resolution = text_of(place.get("resolution"))
    precision = (
        RESOLUTION_PRECISION.get(int(resolution)) if resolution.isdigit() else None
    )
    if precision is None and (named_country := country_iso3(name)) is not None:
        precision, country = GeoPrecision.COUNTRY, country or named_country
    return {
        "name": cut(name, 200),
        "country": country,
        "admin1": text_of(place.get("province")) or None,
        "admin2": cut(text_of(place.get("district")), 200) or None,
        "latitude": latitude,
        "longitude": longitude,
        "geo_precision": (precision or GeoPrecision.EXACT).value,
    }


def _size(record: Mapping[str, Any]) -> tuple[int | None, int | None, list[str]]:
    """(dead, injured, notes) from the 2.0 size object or 0.5b1's dead/injured/size."""
    size = record.get("size")
    if isinstance(size, Mapping):
        dead = _count(size.get("dead"), "size.dead")
        injured = _count(size.get("injured"), "size.injured")
        arrested = _count(size.get("arrested"), "size.arrested")
        return dead, injured, [f"Arrested: {arrested}"] if arrested else []
    dead, injured = (
        _count(record.get("dead"), "dead"),
        _count(record.get("injured"), "injured"),
    )
    return dead, injured, [f"Size: {text_of(size)}"] if text_of(size) else []


def _source(record: Mapping[str, Any], record_id: str) -> list[dict[str, Any]]:
    cite = record.get("cite_info")
    cite = cite if isinstance(cite, Mapping) else {}
    quote = text_of(record.get("text"))
    url = text_of(cite.get("url"))
    try:
        url = validate_http_url(url) if url else ""
    except ValueError:
        url = ""
    title = text_of(cite.get("title")) or text_of(cite.get("citation"))
    title = title or text_of(record.get("publication"))
    if not (quote or url or title or cite):
        return []
    if not (title or url):
        title = f"PLOVER record {record_id}"  # a source needs a URL or a title
    return [
        {
            "url": url or None,
            "title": cut(title, 500) or None,
            "publisher": cut(text_of(cite.get("publication")), 200) or None,
            "quote": cut(quote, QUOTE_LIMIT) or None,
        }
    ]


def _title(record: Mapping[str, Any], event_type: str, actors: list[dict]) -> str:
    text = " ".join(text_of(record.get("text")).split())
    if len(text) > TITLE_LIMIT:  # end at a sentence when one ends late enough
        ends = [m.start() for m in SENTENCE_END.finditer(text, 80, TITLE_LIMIT)]
        text = text[: ends[-1] + 1] if ends else cut(text, TITLE_LIMIT)
    if text:
        return text
    doers = ", ".join(a["name"] for a in actors if a["role"] != ActorRole.TARGET)
    targets = ", ".join(a["name"] for a in actors if a["role"] == ActorRole.TARGET)
    return cut(
        f"{event_type}: {doers or '?'}" + (f" -> {targets}" if targets else ""), 300
    )


REUSED_ID = "reused an earlier record's id: imported as <id>#2, #3 ..."
CAMEO_IN_EVENT = "held a CAMEO code in `event`: typed through the CAMEO crosswalk"


def _assumed(record: dict[str, Any], coding: Any) -> dict[str, Any]:
    """What reading the record assumed, for the import report (`ASSUMED_KEY`)."""
    assumed = [REUSED_ID] if REPEATED_KEY in record else []
    if any(tag.startswith("plover:cameo=") for tag in coding.tags):
        assumed.append(CAMEO_IN_EVENT)
    return {ASSUMED_KEY: assumed} if assumed else {}


class _RepeatedIds:
    """The ids of a file's records, to tell a reused id from a repeated record.

    Hand-coded files reuse ids by mistake: the gold-standard file gives
    PLOVER-GSR01-COERCE-0004 to two different sentences. Refusing the second
    would lose an event the file does hold, so a record whose id an earlier,
    different record has is marked with (first line, occurrence) and imported as
    "<id>#<occurrence>" ("...-0004#2"), stable while the file keeps its order. A
    record repeated byte for byte is left alone: the importer refuses it as a
    duplicate, which loses nothing."""

    def __init__(self) -> None:
        # id -> (line of its first record, the records' fingerprints)
        self.seen: dict[str, tuple[int, set[int]]] = {}

    def mark(self, line: int, record: dict[str, Any]) -> dict[str, Any]:
        """The record, with REPEATED_KEY set when its id is reused."""
        record_id = text_of(record.get("id"))
        if not record_id:
            return record
        fingerprint = hash(json.dumps(record, sort_keys=True, default=str))
        first_line, fingerprints = self.seen.setdefault(record_id, (line, set()))
        if fingerprint in fingerprints or not fingerprints:
            fingerprints.add(fingerprint)
            return record
        fingerprints.add(fingerprint)
        return {**record, REPEATED_KEY: (first_line, len(fingerprints))}


class PloverFormat:
    """PLOVER JSON records (2.0 and 0.5b1), as arrays, JSON Lines or a stream."""

    name = "plover"
    dataset = PLOVER_DATASET

    def sniff(self, sample: str, path: Path) -> bool:
        """JSON text with PLOVER's keys: "event" and an actor, recipient or source."""
        text = sample.lstrip("\ufeff \t\r\n")
        return text[:1] in ("{", "[") and bool(
            EVENT_KEY.search(text) and ACTOR_KEY.search(text)
        )

    def read(self, path: Path) -> Iterator[RawRow]:
        """Stream the records of `path`, skipping DOCUMENT records and marking a
        record whose id an earlier, different record has (see `_RepeatedIds`)."""
        repeated = _RepeatedIds()
        for line, value, error in iter_json_values(path):
            if error is not None:
                yield RawRow(line, {PROBLEM_KEY: ("record", None, error)})
            elif not isinstance(value, dict):
                reason = "must be a JSON object (a PLOVER record)"
                yield RawRow(line, {PROBLEM_KEY: ("record", None, reason)})
            elif text_of(value.get("event")).upper() != DOCUMENT:
                yield RawRow(line, repeated.mark(line, value))

    def to_record(self, row: RawRow) -> dict[str, Any]:
        """Map one PLOVER record onto an event record (see the module docstring)."""
        record = row.values
        if PROBLEM_KEY in record:
            raise RowProblem(*record[PROBLEM_KEY])
        if record.get("has_event") is False:
            raise RowProblem("has_event", False, "the record says it codes no event")
        record_id = text_of(record.get("id"))
        if not record_id:
            raise RowProblem("id", None, "is missing: every PLOVER record needs an id")
        external_id, id_note, id_tags = record_id, None, []
        if REPEATED_KEY in record:
            first_line, occurrence = record[REPEATED_KEY]
            external_id = f"{record_id}#{occurrence}"
            id_note = (
                f"The file gives id {record_id} also to a different record "
                f"(line {first_line}); this one is imported as {external_id}"
            )
            id_tags = [f"plover:id={record_id}"]
        coding = event_coding(record)
        event_type, mode = coding.event_type, coding.mode
        actors = _actors(record, hosted=coding.hosted)
        contexts, context_tags = contexts_of(record.get("context"))
        contexts += [c for c in coding.contexts if c not in contexts]
        dead, injured, size_notes = _size(record)
        event_text = " ".join(text_of(t) for t in as_list(record.get("event_text")))
        event_text = event_text or text_of(record.get("eventText"))
        notes = [id_note or "", text_of(record.get("comment")), coding.note or ""]
        notes += [f"Event text: {event_text}" if event_text else "", *size_notes]
        return {
            "title": _title(record, event_type, actors),
            "notes": " ".join(_sentence(n) for n in notes if n) or None,
            "event_type": event_type,
            "mode": mode,
            "contexts": contexts,
            "date_start": _date(record, "date"),
            "date_end": _date(record, "enddate"),
            "date_precision": "day",
            "location": _location(record),
            "actors": actors,
            "fatalities": {"best": dead},
            "injured": injured,
            "tags": [*coding.tags, *context_tags, *id_tags],
            "sources": _source(record, external_id),
            "dataset": PLOVER_DATASET,
            "external_id": external_id,
        } | _assumed(record, coding)

    def column_for(self, field: str) -> str:
        """The PLOVER key behind a record field (2.0 names)."""
        if field in FIELD_KEYS:
            return FIELD_KEYS[field]
        head = field.split(".", 1)[0]
        return FIELD_KEYS.get(head, head)


FIELD_KEYS = {
    "external_id": "id",
    "date_start": "date",
    "date_end": "enddate",
    "date_precision": "date",
    "event_type": "event",
    "mode": "mode",
    "contexts": "context",
    "location": "event_loc",
    "location.latitude": "event_loc.lat",
    "location.longitude": "event_loc.lon",
    "location.country": "event_loc.country_code",
    "location.admin1": "event_loc.province",
    "location.admin2": "event_loc.district",
    "actors": "actor",
    "fatalities": "size.dead",
    "injured": "size.injured",
    "sources": "cite_info",
    "sources.0.quote": "text",
    "title": "text",
    "notes": "comment",
    "record": "record",
}

PLOVER_FORMAT = PloverFormat()
