"""How actor names compare: case-folded, and without an ACLED period of office.

ACLED writes "Government of Russia (2000-)" for the government since 2000 and
"Military Forces of Ukraine (2014-2019)" for that army before the next president; the
registry (`tracker.store.registry`) resolves such a name to the actor without the
period, and the ACLED export (`tracker.formats.acled.verbatim`) compares names the
same way. Pure: no sessions."""

from __future__ import annotations

import re

# "(2000-)", "(1991-1999)": a period of office, at the very end of the name.
PERIOD_SUFFIX = re.compile(r"\s*\(\s*\d{4}\s*-\s*(?:\d{4})?\s*\)\s*$")


def name_key(name: str) -> str:
    """An actor's name as looked up: case-folded, without surrounding blanks."""
    return name.strip().casefold()


def without_period(name: str) -> str:
    """`name` without a trailing ACLED period of office ("(2000-)", "(1991-1999)").

    A name that is nothing but a period is kept whole: there is no name left."""
    bare = PERIOD_SUFFIX.sub("", name).strip()
    return bare or name.strip()
