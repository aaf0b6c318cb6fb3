"""Map ACLED rows a chunk at a time, column by column (issue 19).

The row way (`AcledFormat.to_record`, then `EventCreate`) defines what a row becomes;
this module computes the same events for a whole chunk of rows at once, with the row
way's own helpers applied once per distinct value (a file names a few thousand
actors, dates and places across a million rows) and crosswalks taken as joins. A row
it cannot vouch for (a missing id or coordinates, an unknown code, a cell too long,
a short row ...) is handed back to the row way, which maps or refuses it exactly as
before: the events, the report and every problem are the same both ways
(tests/storage/test_import_paths.py compares them field by field).

The content hash is built here as text: the JSON `content_hash` would dump from the
validated event, assembled from each distinct value's JSON."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tracker.formats.acled import read as acled
from tracker.formats.acled.gaps import index_column
from tracker.formats.acled.write import ACLED_DATASET
from tracker.formats.base import RowProblem
from tracker.formats.csvtext import (
    CsvChunk,
    country_from_numeric,
    country_iso3,
    cut,
    parse_count,
    parse_float,
    split_list,
)
from tracker.models import (
    ActorRole,
    DatePrecision,
    EventStatus,
    GeoPrecision,
    NewEvent,
)
from tracker.vocab import taxonomy

# Limits of EventCreate's fields: a row over one goes the row way, which reports it.
MAX_NOTES, MAX_NAME, MAX_ADMIN1, MAX_ID = 20000, 200, 200, 200

encode_text: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]


def _json(value: Any) -> str:
    """One value as `json.dumps(..., ensure_ascii=False)` writes it in a hash."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return encode_text(value)
    return json.dumps(value, ensure_ascii=False)


def _mapped(values: Sequence[Any], compute: Callable[[Any], Any]) -> list[Any]:
    """`compute` of each value, computed once per distinct value (a join of the
    column with its distinct values' results)."""
    table = {value: compute(value) for value in dict.fromkeys(values)}
    return [table[value] for value in values]


def _or_none(compute: Callable[..., Any]) -> Callable[..., Any]:
    """`compute`, answering None where the row way would refuse the value."""

    def safe(*args: Any) -> Any:
        try:
            return compute(*args)
        except (RowProblem, KeyError, ValueError):
            return None

    return safe


@dataclass(frozen=True)
class Location:
    """A place as the row way makes it, with its registry key and its hash JSON."""

    name: str
    country: str | None
    admin1: str | None
    admin2: str | None
    latitude: float
    longitude: float
    geo_precision: str
    key: str
    json: str


@dataclass(frozen=True)
class Actor:
    name: str
    role: str
    kind: str | None
    country: str | None
    json: str


def map_chunk(chunk: CsvChunk) -> tuple[list[NewEvent], list[int]]:
    """The events of the rows this module vouches for, and the positions (in
    `chunk.records`) of the rows left to the row way."""
    header, records = chunk.header, chunk.records
    width = len(header)
    positions = [i for i, r in enumerate(records) if len(r) == width]
    if not positions:  # no row as wide as the header: all go the row way
        return [], list(range(len(records)))
    rows = [records[i] for i in positions]
    columns = dict(zip(header, map(list, zip(*rows, strict=True)), strict=False))
    blank = [""] * len(rows)
    stripped: dict[str, list[str]] = {}

    def text(column: str) -> list[str]:
        """The column's cells without surrounding blanks (`text_of`)."""
        if column not in columns:
            return blank
        if column not in stripped:
            stripped[column] = [v.strip() for v in columns[column]]
        return stripped[column]

    # Two unnamed columns: the row way keeps one. A NUL is taken out by validation,
    # in every text; "\x1f" joins the keys of distinct values here.
    ok = [len(set(header)) == width] * len(rows)
    if any(c in "".join(map("".join, rows)) for c in "\x00\x1f"):
        ok = [good and not _odd("".join(r)) for good, r in zip(ok, rows, strict=True)]

    def keep(values: list[Any]) -> None:
        ok[:] = [good and v is not None for good, v in zip(ok, values, strict=True)]

    pairs = _mapped(_joined(text("event_type"), text("sub_event_type")), _pair)
    keep(pairs)
    plover = _mapped(pairs, _or_none(_plover))
    keep(plover)
    dates = _mapped(_joined(text("event_date"), text("year")), _or_none(_date))
    keep(dates)
    precision = _mapped(text("time_precision"), _or_none(_time_precision))
    keep(precision)
    external_ids = text("event_id_cnty")
    keep([i if i and len(i) <= MAX_ID else None for i in external_ids])
    notes = text("notes")
    keep([True if len(n) <= MAX_NOTES else None for n in notes])
    fatalities = _mapped(text("fatalities"), _or_none(_count))
    keep(fatalities)
    places = _places(text)
    keep(places)
    inter1 = _mapped(text("inter1"), _or_none(_inter("inter1")))
    inter2 = _mapped(text("inter2"), _or_none(_inter("inter2")))
    keep(inter1)
    keep(inter2)
    assoc1 = _mapped(text("assoc_actor_1"), split_list)
    assoc2 = _mapped(text("assoc_actor_2"), split_list)
    actors = [
        _actors(a1, i1, as1, a2, i2, as2) if good else None
        for a1, i1, as1, a2, i2, as2, good in zip(
            text("actor1"),
            inter1,
            assoc1,
            text("actor2"),
            inter2,
            assoc2,
            ok,
            strict=True,
        )
    ]
    keep(actors)
    targeted = ["1" if t else "" for t in text("civilian_targeting")]
    tags = _mapped(_joined(text("tags"), targeted), _tags)
    sources = _mapped(text("source"), _sources)

    kept = [i for i, good in enumerate(ok) if good]

    def only(values: list[Any]) -> list[Any]:
        return [values[i] for i in kept]

    events = _events(
        header=header,
        columns={name: only(values) for name, values in columns.items()},
        pairs=only(pairs),
        plover=only(plover),
        dates=only(dates),
        precision=only(precision),
        external_ids=only(external_ids),
        notes=only(notes),
        fatalities=only(fatalities),
        places=only(places),
        actors=only(actors),
        tags=only(tags),
        sources=only(sources),
        lines=[chunk.lines[positions[i]] for i in kept],
    )
    vouched = {positions[i] for i in kept}
    return events, [i for i in range(len(records)) if i not in vouched]


def _odd(text: str) -> bool:
    return "\x00" in text or "\x1f" in text


def _joined(*columns: list[str]) -> list[str]:
    return ["\x1f".join(values) for values in zip(*columns, strict=True)]


# --- Distinct values, through the row way's helpers ---------------------------------


def _pair(key: str) -> tuple[str, str] | None:
    event_type, sub_event_type = key.split("\x1f")
    found = acled.canonical_pairs().get(
        (event_type.casefold(), sub_event_type.casefold())
    )
    if found is None and not event_type:
        found = acled.pairs_by_sub_event_type().get(sub_event_type.casefold())
    return found


def _plover(
    pair: tuple[str, str] | None,
) -> tuple[str, str | None, float, int] | None:
    """PLOVER type and mode of an ACLED pair, with score and quad class; None when
    validation would refuse them (or there is no pair)."""
    if pair is None:
        return None
    event_type, mode = taxonomy.acled_to_plover(*pair)
    name = event_type.strip().upper()
    mode = (mode.lower().strip() or None) if isinstance(mode, str) else mode
    if name not in taxonomy.event_types() or not taxonomy.is_valid_mode(name, mode):
        return None
    return name, mode, taxonomy.score(name, mode), taxonomy.quad_class(name)


def _date(key: str) -> dt.date:
    event_date, year = key.split("\x1f")
    return acled.ACLED_FORMAT._date({"event_date": event_date, "year": year})


def _time_precision(text: str) -> str:
    code = text.removesuffix(".0")
    return acled.TIME_PRECISIONS[code].value if code else DatePrecision.DAY.value


def _count(text: str) -> tuple[int | None] | None:
    value = parse_count({"c": text}, "c")
    if value is not None and value < 0:
        return None
    return (value,)


def _inter(column: str) -> Callable[[str], tuple[int | None]]:
    def code(text: str) -> tuple[int | None]:
        return (acled._inter_code(text, column),)

    return code


def _tags(key: str) -> tuple[str, ...]:
    text, targeted = key.split("\x1f")
    tags = split_list(text)
    if targeted:
        tags.append(acled.CIVILIANS_TARGETED_TAG)
    return tuple(sorted({tag.strip() for tag in tags if tag.strip()}))


def _sources(text: str) -> tuple[tuple[str, str], ...]:
    return tuple(
        (cut(f"ACLED: {name}", 500), cut(name, 200)) for name in split_list(text)
    )


def _places(text: Callable[[str], list[str]]) -> list[Location | None]:
    """Each row's place (a `Location`), None where the row way must read the row."""
    names = [
        location or admin3 or admin2 or admin1
        for location, admin3, admin2, admin1 in zip(
            text("location"),
            text("admin3"),
            text("admin2"),
            text("admin1"),
            strict=True,
        )
    ]
    keys = _joined(
        names,
        text("country"),
        text("admin1"),
        text("admin2"),
        text("latitude"),
        text("longitude"),
        text("geo_precision"),
        text("iso"),
        text("iso3"),
    )
    return _mapped(keys, _or_none(_place))


def _place(key: str) -> Location | None:
    name, country_name, admin1, admin2, lat, lon, precision, iso, iso3 = key.split(
        "\x1f"
    )
    latitude = parse_float({"c": lat}, "c")
    longitude = parse_float({"c": lon}, "c")
    if latitude is None or longitude is None:
        return None  # placed through the gazetteer, or not at all: the row way
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    if len(admin1) > MAX_ADMIN1:
        return None
    code = precision.removesuffix(".0")
    geo = acled.GEO_PRECISIONS[code] if code else GeoPrecision.EXACT
    country = country_from_numeric(iso)
    for candidate in (iso3, country_name):
        country = country or country_iso3(candidate)
    place_name = cut(name or country_name or "Unnamed place", MAX_NAME)
    admin = admin1 or None
    coordinates = f"{latitude:.4f},{longitude:.4f}"
    parts = [place_name.casefold(), country or "-", (admin or "-").casefold()]
    # Not in the hash: a place's admin2 is the registry place's (content_hash).
    fields = {
        "admin1": admin,
        "country": country,
        "geo_precision": geo.value,
        "latitude": latitude,
        "longitude": longitude,
        "name": place_name,
    }
    return Location(
        name=place_name,
        country=country,
        admin1=admin,
        admin2=cut(admin2, MAX_NAME) or None,
        latitude=latitude,
        longitude=longitude,
        geo_precision=geo.value,
        key="|".join([*parts, coordinates, geo.value]),
        json=_object_json(fields),
    )


def _object_json(fields: dict[str, Any]) -> str:
    return (
        "{" + ", ".join(f"{_json(k)}: {_json(fields[k])}" for k in sorted(fields)) + "}"
    )


_ACTORS: dict[tuple[str, str, int | None], Actor | None] = {}


def _actor(name: str, role: ActorRole, inter: int | None) -> Actor | None:
    """The actor as the row way names it in a role; None if a name is too long."""
    key = (name, role.value, inter)
    if key not in _ACTORS:
        if len(_ACTORS) > 100_000:
            _ACTORS.clear()
        kind = acled.actor_kind(name, inter)
        country = acled.actor_country(name)
        fields = {
            "country": country,
            "kind": kind.value if kind else None,
            "name": name,
            "role": role.value,
        }
        _ACTORS[key] = (
            Actor(name, role.value, fields["kind"], country, _object_json(fields))
            if len(name) <= MAX_NAME
            else None
        )
    return _ACTORS[key]


def _actors(
    actor1: str,
    inter1: tuple[int | None],
    assoc1: list[str],
    actor2: str,
    inter2: tuple[int | None],
    assoc2: list[str],
) -> tuple[Actor, ...] | None:
    """A row's actors in roles, in the row way's order, each (name, role) once."""
    named: list[tuple[str, ActorRole, int | None]] = [
        (actor1, ActorRole.INITIATOR, inter1[0])
    ]
    named += [(name, ActorRole.PARTICIPANT, None) for name in assoc1]
    named.append((actor2, ActorRole.TARGET, inter2[0]))
    named += [(name, ActorRole.TARGET, None) for name in assoc2]
    seen: set[tuple[str, ActorRole]] = set()
    actors = []
    for name, role, code in named:
        if name and (name.casefold(), role) not in seen:
            seen.add((name.casefold(), role))
            actor = _actor(name, role, code)
            if actor is None:
                return None
            actors.append(actor)
    return tuple(actors)


# --- The columns --------------------------------------------------------------------


def _title(sub: str, actors: Sequence[Actor], place: Location) -> str:
    title = sub
    if actors:
        targets = [a.name for a in actors if a.role == ActorRole.TARGET.value]
        title += f": {actors[0].name}"
        title += f" vs {targets[0]}" if targets else ""
    title += f" in {place.name}"
    return cut(" ".join(title.split()), acled.TITLE_LENGTH)


def _list_json(items: Sequence[str]) -> str:
    return "[" + ", ".join(map(encode_text, items)) + "]"


def _events(
    *,
    header: list[str],
    columns: dict[str, list[str]],
    pairs: list[tuple[str, str]],
    plover: list[tuple[str, str | None, float, int]],
    dates: list[dt.date],
    precision: list[str],
    external_ids: list[str],
    notes: list[str],
    fatalities: list[tuple[int | None]],
    places: list[Location],
    actors: list[tuple[Actor, ...]],
    tags: list[tuple[str, ...]],
    sources: list[tuple[tuple[str, str], ...]],
    lines: list[int],
) -> list[NewEvent]:
    """The vouched rows as `NewEvent`s, with their content hashes."""
    recorded = [name for name in header if not name.startswith("#")]
    if index_column(recorded) is not None:
        recorded = recorded[1:]
    subs = [pair[1] for pair in pairs]
    titles = [
        _title(sub, acts, place)
        for sub, acts, place in zip(subs, actors, places, strict=True)
    ]
    contexts = _mapped(
        subs,
        lambda sub: tuple(sorted(set(acled.CONTEXTS.get(sub.casefold(), [])))),
    )
    note_values = [note or None for note in notes]
    cells = _cells_json(columns, recorded)
    hashes = _hashes(
        pairs=pairs,
        actors=actors,
        contexts=contexts,
        dates=dates,
        precision=precision,
        external_ids=external_ids,
        fatalities=fatalities,
        places=places,
        plover=plover,
        notes=note_values,
        cells=cells,
        recorded=recorded,
        sources=sources,
        tags=tags,
        titles=titles,
    )
    status = EventStatus.CONFIRMED.value
    return [
        NewEvent(
            line=line,
            values=(
                title,
                note,
                kind[0],
                kind[1],
                list(context),
                kind[3],
                kind[2],
                pair[0],
                pair[1],
                date,
                None,
                date_precision,
                death[0],
                death[0],
                None,
                None,
                None,
                None,
                status,
                None,
                list(tag_list),
                ACLED_DATASET,
                external_id,
                None,
                digest,
            ),
            place=(
                place.key,
                place.name,
                place.country,
                place.admin1,
                place.admin2,
                place.latitude,
                place.longitude,
                place.geo_precision,
            ),
            actors=tuple((a.name, a.role, a.kind, a.country) for a in acts),
            sources=tuple(
                (None, publisher, title_, None, None) for title_, publisher in cited
            ),
            record=(ACLED_DATASET, recorded, cell_json),
        )
        for (
            line,
            title,
            note,
            kind,
            context,
            pair,
            date,
            date_precision,
            death,
            tag_list,
            external_id,
            digest,
            place,
            acts,
            cited,
            cell_json,
        ) in zip(
            lines,
            titles,
            note_values,
            plover,
            contexts,
            pairs,
            dates,
            precision,
            fatalities,
            tags,
            external_ids,
            hashes,
            places,
            actors,
            sources,
            cells,
            strict=True,
        )
    ]


def _cells_json(columns: dict[str, list[str]], recorded: list[str]) -> list[str]:
    """Each row's non-empty cells of the recorded columns as JSON, keys sorted (the
    form both the hash and the stored source record take)."""
    pieces = []
    for name in sorted(set(recorded)):
        prefix = encode_text(name) + ": "
        pieces.append(
            _mapped(
                columns[name], lambda v, p=prefix: f"{p}{encode_text(v)}, " if v else ""
            )
        )
    if not pieces:
        return ["{}"] * len(next(iter(columns.values()), []))
    # Each piece ends with ", ": the last one's is cut.
    return [f"{{{''.join(row)[:-2]}}}" for row in zip(*pieces, strict=True)]


def _hashes(**columns: Any) -> list[str]:
    """`content_hash` of each event, from the JSON its validated record dumps to."""
    c = columns
    recorded = _list_json(c["recorded"])
    texts = {
        "pair": _mapped(
            c["pairs"],
            lambda pair: (
                f'"acled_event_type": {_json(pair[0])}, '
                f'"acled_sub_event_type": {_json(pair[1])}, '
            ),
        ),
        "contexts": _mapped(c["contexts"], _list_json),
        "dates": _mapped(c["dates"], lambda d: _json(d.isoformat())),
        "precision": _mapped(c["precision"], _json),
        "plover": _mapped(
            c["plover"], lambda p: (f'"event_type": {_json(p[0])}', _json(p[1]))
        ),
        "tags": _mapped(c["tags"], _list_json),
        "fatalities": _mapped(
            c["fatalities"],
            lambda f: f'{{"best": {_json(f[0])}, "high": null, "low": {_json(f[0])}}}',
        ),
        "sources": _mapped(
            c["sources"],
            lambda items: (
                "["
                + ", ".join(
                    f'{{"published": null, "publisher": {_json(publisher)}, '
                    f'"quote": null, "title": {_json(title)}, "url": null}}'
                    for title, publisher in items
                )
                + "]"
            ),
        ),
    }
    # The validated record's JSON, keys sorted, one text per row (`content_hash`).
    status = _json(EventStatus.CONFIRMED.value)
    sha256 = hashlib.sha256
    hashes = []
    for (
        pair,
        actors,
        contexts,
        date,
        precision,
        external_id,
        death,
        place,
        plover,
        note,
        cells,
        sources,
        tags,
        title,
    ) in zip(
        texts["pair"],
        c["actors"],
        texts["contexts"],
        texts["dates"],
        texts["precision"],
        c["external_ids"],
        texts["fatalities"],
        c["places"],
        texts["plover"],
        c["notes"],
        c["cells"],
        texts["sources"],
        texts["tags"],
        c["titles"],
        strict=True,
    ):
        actor_list = ", ".join([a.json for a in actors])
        note_json = "null" if note is None else encode_text(note)
        text = (
            f'{{{pair}"actors": [{actor_list}], "children_killed": null, '
            f'"civilians_killed": null, "confidence": null, "contexts": {contexts}, '
            f'"dataset": "acled", "date_end": null, "date_precision": {precision}, '
            f'"date_start": {date}, {plover[0]}, '
            f'"external_id": {encode_text(external_id)}, "fatalities": {death}, '
            f'"injured": null, "links": [], "location": {place.json}, '
            f'"mode": {plover[1]}, "notes": {note_json}, '
            f'"source_record": {{"cells": {cells}, "columns": {recorded}, '
            f'"format": "acled"}}, "sources": {sources}, "status": {status}, '
            f'"tags": {tags}, "title": {encode_text(title)}}}'
        )
        hashes.append(sha256(text.encode("utf-8")).hexdigest())
    return hashes
