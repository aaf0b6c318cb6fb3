"""Date phrases in a sentence, resolved against the article's publication date.

A small rules layer reads what dateparser does not ("earlier this month", "just this
weekend", "mid-May", "since January", "two days later") and gives every phrase the
range and precision it implies; dateparser reads the explicit dates ("24 May",
"16 February 2023", "24/05/2025"). Ambiguity is settled towards the past, as news
reports mostly look back, unless the sentence speaks of the future ("will", "planned",
"to take place") before the phrase: then "in June" said in May is this June, with
`future=True`.

Weekdays: "on Friday" or "Friday" is the most recent Friday on or before the
publication day, so a Friday article's "Friday" is that day (news-wire style names the
day instead of writing "today"; dateparser would give the week before); "last Friday"
is strictly before the publication day.

Month names are read only when capitalised and, for "May" and "March" (a modal verb
and a verb as well), only next to a day, a year or a preposition ("in May").

One idea, kept whole past the usual 400 lines: the phrase layer in front of
dateparser, each phrase rule beside the ones it must not shadow.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

import dateparser

from tracker.extraction.numbers import parse_number
from tracker.models import DatePrecision

_ORDER = [
    DatePrecision.DAY,
    DatePrecision.WEEK,
    DatePrecision.MONTH,
    DatePrecision.YEAR,
]
_RECENT_DAYS = 7


@dataclass(frozen=True)
class DateSpan:
    """A date phrase of a sentence and the days it covers."""

    start: dt.date
    end: dt.date  # inclusive; == start for a single day
    precision: DatePrecision
    phrase: (
        str  # the words that gave it, as they appear in the sentence ("" if implied)
    )
    offset: int  # character offset of `phrase` in the sentence, -1 when implied
    future: bool  # the phrase points after the publication date


@dataclass(frozen=True)
class _Context:
    published: dt.date
    previous: DateSpan | None
    future: bool  # the sentence speaks of the future before this phrase


_Range = tuple[dt.date, dt.date, DatePrecision]
_Resolver = Callable[[re.Match[str], _Context], _Range | None]

# English names, not `calendar`'s, which follow the locale.
_MONTH_NAMES = (
    "January February March April May June July August September October November"
    " December"
).split()
_MONTHS = {name: n for n, name in enumerate(_MONTH_NAMES, start=1)} | {
    name[:3]: n for n, name in enumerate(_MONTH_NAMES, start=1)
}
_MONTHS["Sept"] = 9
_MONTH_ALTERNATION = "|".join(sorted(_MONTHS, key=len, reverse=True))
# The full stop of an abbreviation ("Sept.") belongs to the phrase, a sentence's not.
_ABBREVIATION_DOT = (
    r"(?:(?<=Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\.|(?<=Sept)\.)?"
)
_MONTH = rf"(?P<mon>{_MONTH_ALTERNATION})(?![a-z]){_ABBREVIATION_DOT}"
_MONTH1 = rf"(?P<mon1>{_MONTH_ALTERNATION})(?![a-z]){_ABBREVIATION_DOT}"
# Month names that are also everyday words need a day, a year or a preposition.
_PLAIN_MONTHS = (
    "January|February|April|June|July|August|September|October|November|December"
)
_WEEKDAYS = {
    name: n
    for n, name in enumerate(
        "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
    )
}
_WEEKDAY_NAMES = "|".join(_WEEKDAYS)
# A weekday before a capitalised word names something else ("Monday Walks").
_WEEKDAY = rf"(?P<wd>{_WEEKDAY_NAMES})(?:'s)?(?!\s+(?!{_MONTH_ALTERNATION})[A-Z])"
# What may stand before an explicit date: "on", "the", its weekday ("Friday, 24 May").
_DATE_LEAD = rf"(?:(?i:on|the)\s+)*(?:(?:{_WEEKDAY_NAMES}),?\s+)?(?:(?i:the)\s+)?"
_MONTH_FULL = rf"(?P<mon>{'|'.join(_MONTH_NAMES)})(?![a-z])"
_YEAR = r"(?P<year>(?:19|20)\d{2})(?![\d/-])"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_TIME_OF_DAY = r"(?:\s+(?i:morning|afternoon|evening|night))?"
_FUTURE_CUES = re.compile(
    r"\b(?:will|shall|would|to take place|to be held|scheduled|planned|plans? to|"
    r"expected to|(?:is|are) due|upcoming|going to|set to|intends? to)\b|'ll\b",
    re.IGNORECASE,
)
# Every rule needs one of these; sentences without any skip all the work.
_TRIGGER = re.compile(
    r"\d|\b(?:[A-Z][a-z]+day|"
    + _MONTH_ALTERNATION
    + r")\b|(?i:\b(?:today|tonight|yesterday|tomorrow|week|weekend|month|year|night|"
    r"overnight|recent\w*|later|earlier|ago|day|days|weeks|since|morning|evening)\b)"
)


def find_dates(
    sentence: str, published: dt.date, *, previous: DateSpan | None = None
) -> list[DateSpan]:
    """Every date phrase in the sentence, in text order, resolved against the
    publication date (and against `previous`, the last date the article gave, for
    "two days later", "the next day", "that day", "the same day")."""
    if not _TRIGGER.search(sentence):
        return []
    cue = _FUTURE_CUES.search(sentence)
    past = _Context(published, previous, future=False)
    ahead = _Context(published, previous, future=True)
    found: list[tuple[int, int, DateSpan]] = []
    for pattern, resolve in _RULES:
        for match in pattern.finditer(sentence):
            # "will meet in June": the cue governs what follows it, not "On Monday"
            # before it.
            ctx = ahead if cue and cue.start() < match.start() else past
            resolved = resolve(match, ctx)
            if resolved is None:
                continue
            start, end, precision = resolved
            phrase = match.group(0)
            span = DateSpan(
                start, end, precision, phrase, match.start(), future=start > published
            )
            found.append((match.start(), match.end(), span))
    return _without_overlaps(found)


def find_date(
    sentence: str, published: dt.date, *, previous: DateSpan | None = None
) -> DateSpan | None:
    """The date an event in this sentence most likely happened: the first phrase that
    is not in the future; None when the sentence gives none."""
    spans = find_dates(sentence, published, previous=previous)
    return next((span for span in spans if not span.future), None)


def _without_overlaps(found: list[tuple[int, int, DateSpan]]) -> list[DateSpan]:
    """Keep the longest phrase where phrases overlap ("earlier this month" over
    "this month"), in text order."""
    kept: list[tuple[int, int, DateSpan]] = []
    for start, end, span in sorted(found, key=lambda f: (f[0], f[0] - f[1])):
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end, span))
    return [span for _, _, span in kept]


# --- calendar arithmetic -------------------------------------------------------


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _month_year(month: int, year: str | None, ctx: _Context) -> int:
    """The year of a month named without one: the latest not after publication, or
    in a sentence about the future the next one not before it."""
    if year:
        return int(year)
    pub = ctx.published
    if ctx.future:
        return pub.year if month >= pub.month else pub.year + 1
    return pub.year if month <= pub.month else pub.year - 1


def _capped(start: dt.date, end: dt.date, ctx: _Context) -> dt.date:
    """A past period that contains the publication day ends on it."""
    if not ctx.future and start <= ctx.published < end:
        return ctx.published
    return end


def _week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def _weekend_on_or_before(day: dt.date) -> dt.date:
    """The Saturday of the weekend that `day` is in or last followed."""
    return day - dt.timedelta(days=(day.weekday() - 5) % 7)


def _precision_of(start: dt.date, end: dt.date) -> DatePrecision:
    days = (end - start).days
    if days <= 1:
        return DatePrecision.DAY
    return DatePrecision.WEEK if days <= 7 else DatePrecision.MONTH


def _coarser(a: DatePrecision, b: DatePrecision) -> DatePrecision:
    return max(a, b, key=_ORDER.index)


@lru_cache(maxsize=4096)
def _parse_explicit(text: str, published: dt.date, prefer: str) -> dt.date | None:
    """An explicit date through dateparser, day-first as outside the US."""
    settings = {
        "RELATIVE_BASE": dt.datetime.combine(published, dt.time()),
        "PREFER_DATES_FROM": prefer,
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "DATE_ORDER": "DMY",
    }
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    return parsed.date() if parsed else None


# --- resolvers -------------------------------------------------------------------


def _explicit_day(match: re.Match[str], ctx: _Context) -> _Range | None:
    text = re.sub(_DATE_LEAD, "", match.group(0), count=1)
    undated = not match.groupdict().get("year") and "-" not in text and "/" not in text
    prefer = "future" if ctx.future and undated else "past"
    day = _parse_explicit(text, ctx.published, prefer)
    return (day, day, DatePrecision.DAY) if day else None


def _day_range(match: re.Match[str], ctx: _Context) -> _Range | None:
    month = _MONTHS[match.group("mon").rstrip(".")]
    year = _month_year(month, match.group("year"), ctx)
    first_month = (
        _MONTHS[match.group("mon1").rstrip(".")] if match.group("mon1") else month
    )
    first_year = year - 1 if first_month > month else year
    try:
        start = dt.date(first_year, first_month, int(match.group("d1")))
        end = dt.date(year, month, int(match.group("day")))
    except ValueError:
        return None
    return (start, end, _precision_of(start, end)) if start <= end else None


def _month(match: re.Match[str], ctx: _Context) -> _Range | None:
    month = _MONTHS[match.group("mon").rstrip(".")]
    qualifier = (match.groupdict().get("q") or "").lower()
    if qualifier in ("last", "this past", "next"):
        ctx = replace(ctx, future=qualifier == "next")
    year = _month_year(month, match.groupdict().get("year"), ctx)
    start, end = dt.date(year, month, 1), _month_end(year, month)
    return start, _capped(start, end, ctx), DatePrecision.MONTH


def _part_of_month(match: re.Match[str], ctx: _Context) -> _Range | None:
    """Early, mid and late May as the thirds of May."""
    start, end, _ = _month(match, ctx)  # type: ignore[misc]
    part = match.group("part").lower()
    if part.startswith(("early", "beginning", "start")):
        start, end = start, start.replace(day=10)
    elif part.startswith("mid"):
        start, end = start.replace(day=11), start.replace(day=20)
    else:
        start, end = start.replace(day=21), _month_end(start.year, start.month)
    return start, _capped(start, end, ctx), DatePrecision.MONTH


def _since_month(match: re.Match[str], ctx: _Context) -> _Range | None:
    month = _MONTHS[match.group("mon").rstrip(".")]
    year = _month_year(month, match.group("year"), replace(ctx, future=False))
    return dt.date(year, month, 1), ctx.published, DatePrecision.MONTH


def _year(match: re.Match[str], ctx: _Context) -> _Range | None:
    year = int(match.group("year"))
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if match.group(0).lower().startswith("since"):
        end = ctx.published
    return start, _capped(start, end, ctx), DatePrecision.YEAR


def _weekday(match: re.Match[str], ctx: _Context) -> _Range | None:
    weekday = _WEEKDAYS[match.group("wd")]
    qualifier = (match.group("q") or "").lower()
    pub = ctx.published
    if qualifier in ("next", "this coming", "coming") or (
        ctx.future and qualifier not in ("last", "this past", "past")
    ):
        day = pub + dt.timedelta(days=(weekday - pub.weekday()) % 7)
    else:
        back = (pub.weekday() - weekday) % 7
        if back == 0 and qualifier in ("last", "this past", "past"):
            back = 7
        day = pub - dt.timedelta(days=back)
    return day, day, DatePrecision.DAY


def _relative_to_previous(match: re.Match[str], ctx: _Context) -> _Range | None:
    """Shift the article's last date: "two days later", "the next day", "that day"."""
    if ctx.previous is None:
        return None
    words = match.group(0).lower()
    count = parse_number(match.group("n")) if match.group("n") else 1
    if count is None:
        return None
    unit = 7 if "week" in words else 1
    sign = -1 if re.search(r"before|previous|earlier|prior", words) else 1
    if re.search(r"\b(?:that|same)\b", words):
        sign = 0
    shift = dt.timedelta(days=sign * count * unit)
    precision = DatePrecision.WEEK if unit == 7 else DatePrecision.DAY
    prev = ctx.previous
    return prev.start + shift, prev.end + shift, _coarser(precision, prev.precision)


def _ago(match: re.Match[str], ctx: _Context) -> _Range | None:
    count = parse_number(match.group("n")) if match.group("n") else 1
    if count is None:
        return None
    unit = match.group("unit").lower()
    if unit.startswith("day"):
        day = ctx.published - dt.timedelta(days=count)
        return day, day, DatePrecision.DAY
    if unit.startswith("week"):
        start, end = _week_of(ctx.published - dt.timedelta(days=7 * count))
        return start, end, DatePrecision.WEEK
    month, year = ctx.published.month - count, ctx.published.year
    while month < 1:
        month, year = month + 12, year - 1
    return dt.date(year, month, 1), _month_end(year, month), DatePrecision.MONTH


def _fixed(
    compute: Callable[[dt.date], tuple[dt.date, dt.date]], precision: DatePrecision
) -> _Resolver:
    """A phrase whose days follow from the publication date alone."""
    return lambda match, ctx: (*compute(ctx.published), precision)


def _days(a: int, b: int | None = None) -> Callable[[dt.date], tuple[dt.date, dt.date]]:
    return lambda pub: (
        pub + dt.timedelta(days=a),
        pub + dt.timedelta(days=a if b is None else b),
    )


def _this_weekend(pub: dt.date) -> tuple[dt.date, dt.date]:
    saturday = _weekend_on_or_before(pub)
    return saturday, saturday + dt.timedelta(days=1)


def _last_weekend(pub: dt.date) -> tuple[dt.date, dt.date]:
    saturday = _weekend_on_or_before(pub - dt.timedelta(days=2))
    return saturday, saturday + dt.timedelta(days=1)


def _next_weekend(pub: dt.date) -> tuple[dt.date, dt.date]:
    saturday = pub + dt.timedelta(days=(5 - pub.weekday()) % 7 or 7)
    return saturday, saturday + dt.timedelta(days=1)


def _this_month(pub: dt.date) -> tuple[dt.date, dt.date]:
    return pub.replace(day=1), pub


def _last_month(pub: dt.date) -> tuple[dt.date, dt.date]:
    end = pub.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


def _next_month(pub: dt.date) -> tuple[dt.date, dt.date]:
    start = _month_end(pub.year, pub.month) + dt.timedelta(days=1)
    return start, _month_end(start.year, start.month)


def _later_this_month(pub: dt.date) -> tuple[dt.date, dt.date]:
    return pub + dt.timedelta(days=1), _month_end(pub.year, pub.month)


def _rule(pattern: str, resolve: _Resolver) -> tuple[re.Pattern[str], _Resolver]:
    return re.compile(pattern), resolve


# Counts of days and weeks are small: a short alternation keeps the scan cheap.
_N = (
    r"(?P<n>\d{1,3}|(?i:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|twenty|thirty))"
)
_DAY_, _WEEK, _MONTH_P, _YEAR_P = (
    DatePrecision.DAY,
    DatePrecision.WEEK,
    DatePrecision.MONTH,
    DatePrecision.YEAR,
)
_PREP = r"(?i:in|during|until|by|from|throughout|of|on|before|after)"

_RULES: list[tuple[re.Pattern[str], _Resolver]] = [
    _rule(rf"\b{_DATE_LEAD}\d{{4}}-\d{{2}}-\d{{2}}\b", _explicit_day),
    _rule(rf"\b{_DATE_LEAD}[0-3]?\d[/.][01]?\d[/.](?:19|20)\d{{2}}\b", _explicit_day),
    _rule(
        rf"\b(?:(?i:between|from)\s+)?(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?"
        rf"(?:\s+{_MONTH1})?"
        rf"\s*(?:(?i:and|to|until)|-|–)\s*{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR})?",
        _day_range,
    ),
    _rule(
        rf"\b{_DATE_LEAD}{_DAY}\s+(?:(?i:of)\s+)?{_MONTH}(?:,?\s+{_YEAR})?",
        _explicit_day,
    ),
    _rule(
        rf"\b{_DATE_LEAD}{_MONTH}\s+{_DAY}\b(?!,?\d)(?:,?\s+{_YEAR})?", _explicit_day
    ),
    _rule(
        r"\b(?P<part>(?i:early|mid|late|the\s+beginning\s+of|the\s+start\s+of|"
        r"the\s+end\s+of|beginning\s+of|start\s+of|end\s+of))[\s-]+"
        rf"{_MONTH}(?:,?\s+{_YEAR})?",
        _part_of_month,
    ),
    _rule(rf"\b(?i:since)\s+{_MONTH}(?:,?\s+{_YEAR})?", _since_month),
    _rule(rf"\b(?:{_PREP}\s+)?{_MONTH},?\s+{_YEAR}", _month),
    _rule(rf"\b(?P<q>{_PREP}|(?i:last|this past|this|next))\s+{_MONTH_FULL}", _month),
    _rule(rf"\b(?P<mon>{_PLAIN_MONTHS})\b", _month),
    _rule(
        rf"\b(?i:in|during|since|throughout|by|until|of|from|early|mid|late)[\s-]+{_YEAR}",
        _year,
    ),
    _rule(
        r"\b(?:(?P<q>(?i:last|on|this past|past|this coming|coming|next|this|"
        rf"overnight\s+(?:on|into|to)))\s+)?{_WEEKDAY}{_TIME_OF_DAY}",
        _weekday,
    ),
    _rule(
        rf"\b(?i:(?:{_N}\s+(?P<unit>days?|weeks?)|a\s+(?P<u2>day|week))\s+"
        r"(?:later|after(?:wards)?|before|earlier|prior))\b",
        _relative_to_previous,
    ),
    _rule(
        r"\b(?i:the\s+(?:next|following|previous|same)\s+(?:day|week|night|morning|"
        r"evening)|the\s+day\s+(?:after|before)|(?:later\s+)?that\s+(?:same\s+)?"
        r"(?:day|night|morning|evening|afternoon))\b(?P<n>)",
        _relative_to_previous,
    ),
    _rule(rf"\b(?i:{_N}\s+(?P<unit>days?|weeks?|months?)\s+ago)\b", _ago),
]

# Phrases whose days follow from the publication date alone; longest match wins.
_FIXED: list[
    tuple[str, Callable[[dt.date], tuple[dt.date, dt.date]], DatePrecision]
] = [
    (
        r"(?:earlier\s+)?today|this\s+(?:morning|afternoon|evening)|tonight",
        _days(0),
        _DAY_,
    ),
    (r"yesterday(?:\s+(?:morning|afternoon|evening))?|last\s+night", _days(-1), _DAY_),
    (r"the\s+day\s+before\s+yesterday", _days(-2), _DAY_),
    (r"overnight", _days(-1, 0), _DAY_),
    (r"tomorrow", _days(1), _DAY_),
    (
        r"(?:this|over\s+the|at\s+the|on\s+the|during\s+the|this\s+past)\s+weekend",
        _this_weekend,
        _WEEK,
    ),
    (r"last\s+weekend", _last_weekend, _WEEK),
    (r"(?:next|this\s+coming)\s+weekend", _next_weekend, _WEEK),
    (
        r"(?:earlier\s+)?this\s+week",
        lambda pub: (_week_of(pub)[0], pub),
        _WEEK,
    ),
    (
        r"later\s+this\s+week",
        lambda pub: (pub + dt.timedelta(days=1), _week_of(pub)[1]),
        _WEEK,
    ),
    (r"last\s+week", lambda pub: _week_of(pub - dt.timedelta(days=7)), _WEEK),
    (r"(?:over\s+)?the\s+(?:past|last)\s+week", _days(-_RECENT_DAYS, 0), _WEEK),
    (r"next\s+week", lambda pub: _week_of(pub + dt.timedelta(days=7)), _WEEK),
    (r"(?:earlier\s+)?this\s+month", _this_month, _MONTH_P),
    (r"later\s+this\s+month", _later_this_month, _MONTH_P),
    (r"last\s+month", _last_month, _MONTH_P),
    (r"next\s+month", _next_month, _MONTH_P),
    (
        r"(?:earlier\s+)?this\s+year",
        lambda pub: (pub.replace(month=1, day=1), pub),
        _YEAR_P,
    ),
    (
        r"last\s+year",
        lambda pub: (dt.date(pub.year - 1, 1, 1), dt.date(pub.year - 1, 12, 31)),
        _YEAR_P,
    ),
    (
        r"next\s+year",
        lambda pub: (dt.date(pub.year + 1, 1, 1), dt.date(pub.year + 1, 12, 31)),
        _YEAR_P,
    ),
    (r"recently|(?:in\s+)?recent\s+days|recent|lately", _days(-_RECENT_DAYS, 0), _WEEK),
    (
        r"(?:in\s+)?(?:recent|the\s+past|the\s+last)\s+(?:few\s+)?weeks",
        _days(-28, 0),
        _MONTH_P,
    ),
]
_RULES += [
    _rule(rf"\b(?:(?i:just|only)\s+)?(?i:{pattern})\b", _fixed(compute, precision))
    for pattern, compute, precision in _FIXED
]
