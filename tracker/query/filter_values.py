"""Readers of filter values from outside: one a field, each with its limits.

Each takes one string (from a URL, a callback or a CLI option) and returns the value
or raises ValueError saying, in words for the person who typed it, why not. The limits
hold on SQLite and on PostgreSQL (issue #18); `tracker.query.filters.parse_filter`
applies them to a whole filter."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from tracker.vocab import taxonomy
from tracker.vocab.codes import ActorKind, EventStatus, validate_iso3

# How a yes/no filter is written in a URL or an option ("?flagged_figures=1").
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})

# Counts of people and ids are INTEGER columns, 32 bits on PostgreSQL: a larger
# threshold could match nothing, a larger id names no event (PostgreSQL would refuse
# to compare with it), and past 2**63 SQLite's driver cannot even bind it.
LARGEST_WHOLE_NUMBER = 2**31 - 1
# Wide of any event a conflict dataset records (the Correlates of War start in
# 1816), and inside the dates pandas holds at any resolution (1677-2262), so the
# charts' period arithmetic (the Monday of a week, the month after) never overflows.
EARLIEST_DATE = dt.date(1800, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)
# More names than any honest choice in the filter panel, few enough that reading
# and checking them stays a few milliseconds.
MAX_LIST_VALUES = 10_000
MAX_NAME_LENGTH = 200  # one actor or place name
MAX_TEXT_LENGTH = 500  # the search words
# Refused values named one by one per field; the rest are counted.
MAX_PROBLEMS_NAMED = 3
SHOWN_VALUE_LENGTH = 60
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
# A dataset's name as the importers store it ("acled", "ucdp", ...): short, lower case.
DATASET_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,31}", re.ASCII)
# Events entered by hand (the form, `tracker add` without a dataset) have none stored;
# the filter names them so.
HAND_ENTERED = "form"
MAX_TAG_LENGTH = 100


def read_date(text: str) -> dt.date:
    """A calendar date written YYYY-MM-DD, from EARLIEST_DATE to LATEST_DATE."""
    if not ISO_DATE.fullmatch(text):
        raise ValueError("must be a date written YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as error:
        raise ValueError(f"is not a calendar date ({error})") from None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValueError(f"must be from {EARLIEST_DATE} to {LATEST_DATE}")
    return day


def read_whole_number(text: str) -> int:
    """A whole number from 0 to LARGEST_WHOLE_NUMBER, in the digits 0-9 only.

    `str.isdigit` alone accepts "²" and "٣", which `int` then refuses or reads."""
    if not (text.isascii() and text.isdigit()):
        raise ValueError("must be a whole number of 0 or more, in the digits 0-9")
    if len(text) > len(str(LARGEST_WHOLE_NUMBER)) or int(text) > LARGEST_WHOLE_NUMBER:
        raise ValueError(f"must be at most {LARGEST_WHOLE_NUMBER:,}")
    return int(text)


def event_id_in(value: object) -> int | None:
    """The event id a path names (from 1 to LARGEST_WHOLE_NUMBER), or None when it
    names none: `/events/abc` and `/events/99999999999999999999999` are not found,
    never an error."""
    try:
        number = read_whole_number(str(value or "").strip())
    except ValueError:
        return None
    return number if number > 0 else None


def read_event_type(text: str) -> str:
    """A PLOVER event type, in any case; its name in capitals."""
    name = text.upper()
    if name not in taxonomy.event_types():
        raise ValueError("is not a PLOVER event type, such as ASSAULT or CONSULT")
    return name


def read_mode(text: str) -> str:
    """A PLOVER mode of any event type, in any case; its name in lower case."""
    name = text.lower()
    known = {m for t in taxonomy.event_types() for m in taxonomy.modes_for(t)}
    if name not in known:
        raise ValueError("is not a PLOVER mode, such as aerial or troops")
    return name


def read_status(text: str) -> str:
    """An event status, in any case; its name in lower case."""
    name = text.lower()
    if name not in {s.value for s in EventStatus}:
        raise ValueError(f"must be one of {', '.join(s.value for s in EventStatus)}")
    return name


def read_country(text: str) -> str:
    """An ISO 3166-1 alpha-3 country code, in any case; in capitals."""
    return validate_iso3(text) or ""


def read_name(text: str) -> str:
    """An actor or place name, of at most MAX_NAME_LENGTH characters."""
    if len(text) > MAX_NAME_LENGTH:
        raise ValueError(f"is longer than {MAX_NAME_LENGTH} characters")
    return text


def read_text(text: str) -> str:
    """Search words, at most MAX_TEXT_LENGTH characters."""
    if len(text) > MAX_TEXT_LENGTH:
        raise ValueError(f"is longer than {MAX_TEXT_LENGTH} characters")
    return text


def read_acled_event_type(text: str) -> str:
    """An ACLED event type, in any case; its name as ACLED writes it."""
    names = {name.casefold(): name for name in taxonomy.acled_event_types()}
    try:
        return names[text.casefold()]
    except KeyError:
        raise ValueError(
            "is not an ACLED event type, such as Battles or Protests"
        ) from None


def read_acled_sub_event_type(text: str) -> str:
    """An ACLED sub-event type, in any case; its name as ACLED writes it."""
    names = {
        sub.casefold(): sub
        for subs in taxonomy.acled_event_types().values()
        for sub in subs
    }
    try:
        return names[text.casefold()]
    except KeyError:
        raise ValueError(
            "is not an ACLED sub-event type, such as Armed clash or Air/drone strike"
        ) from None


def read_dataset(text: str) -> str:
    """A dataset's name (acled, ucdp, gdelt, plover, seed, extraction ...), or
    HAND_ENTERED for events entered by hand; in lower case."""
    name = text.lower()
    if not DATASET_NAME.fullmatch(name):
        raise ValueError(
            "must be a dataset name such as acled, ucdp, gdelt, plover, seed, "
            f"extraction or {HAND_ENTERED} (letters, digits, . _ -; at most 32)"
        )
    return name


def read_actor_kind(text: str) -> str:
    """An actor kind, in any case; its name in lower case."""
    name = text.lower()
    if name not in {k.value for k in ActorKind}:
        raise ValueError(f"must be one of {', '.join(k.value for k in ActorKind)}")
    return name


def read_tag(text: str) -> str:
    """A tag, at most MAX_TAG_LENGTH characters; matched in any case."""
    if len(text) > MAX_TAG_LENGTH:
        raise ValueError(f"is longer than {MAX_TAG_LENGTH} characters")
    return text


def read_yes_no(text: str) -> bool:
    """A yes or no written as TRUE_WORDS or FALSE_WORDS say."""
    word = text.lower()
    if word not in TRUE_WORDS | FALSE_WORDS:
        raise ValueError("must be 1 or 0 (yes or no)")
    return word in TRUE_WORDS


# Each field's reader: one string in, the value or a ValueError saying why not.
FIELD_READERS: dict[str, Callable[[str], Any]] = {
    "since": read_date,
    "until": read_date,
    "event_types": read_event_type,
    "modes": read_mode,
    "actors": read_name,
    "countries": read_country,
    "places": read_name,
    "text": read_text,
    "min_fatalities": read_whole_number,
    "statuses": read_status,
    "flagged_figures": read_yes_no,
    "acled_event_types": read_acled_event_type,
    "acled_sub_event_types": read_acled_sub_event_type,
    "datasets": read_dataset,
    "admin1": read_name,
    "admin2": read_name,
    "actor_kinds": read_actor_kind,
    "max_fatalities": read_whole_number,
    "civilians_targeted": read_yes_no,
    "tags": read_tag,
}
LIST_FIELDS = frozenset(
    {
        "event_types",
        "modes",
        "actors",
        "countries",
        "places",
        "statuses",
        "acled_event_types",
        "acled_sub_event_types",
        "datasets",
        "admin1",
        "admin2",
        "actor_kinds",
        "tags",
    }
)
