"""The error types of tracker, each carrying what a person needs to fix the input."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pydantic is not needed to raise or read these errors
    from pydantic import ValidationError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one value.

    Where it is (line, field), what it was and why. `line` is the physical line the
    record starts on; `row` is the record's number as a spreadsheet shows it (the
    header is row 1), which differs from `line` once a quoted cell spans lines."""

    field: str
    reason: str
    line: int | None = None
    value: Any = None
    row: int | None = None

    def where(self) -> str:
        """Where to look: "row 3 (line 5)" when the two differ, else "line 5"."""
        if self.row is not None and self.row != self.line:
            return f"row {self.row}" + (
                f" (line {self.line})" if self.line is not None else ""
            )
        return f"line {self.line}" if self.line is not None else ""

    def __str__(self) -> str:
        where = self.where()
        shown = f" (got {self.value!r})" if self.value is not None else ""
        return f"{where + ', ' if where else ''}{self.field}: {self.reason}{shown}"


class TrackerError(Exception):
    """Base class of the errors tracker raises on purpose."""


class InvalidInput(TrackerError):
    """Input was refused, and nothing was written.

    `problems` lists every field and reason."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__(self._message())

    def _message(self) -> str:
        count = len(self.problems)
        head = (
            f"{count} problem{'s' if count != 1 else ''} in the input; "
            "nothing was written"
        )
        return head + "".join(f"\n  - {problem}" for problem in self.problems)


class InvalidFilter(TrackerError, ValueError):
    """Filter values were refused, so nothing was read: `problems` names each field
    and why. A ValueError too, as Python code expects of a bad argument."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        lines = "".join(f"\n  - {problem}" for problem in self.problems)
        super().__init__("the filter has values it cannot use" + lines)


class NotFound(TrackerError):
    """The event (or other record) asked for does not exist."""


class PermissionDenied(TrackerError):
    """The account (or nobody, when not logged in) may not do this; nothing changed."""


class EditConflict(InvalidInput):
    """Someone saved the event after the editor opened it; nothing was changed.

    `changed` maps each field they changed meanwhile to [what the editor started
    from, what it is now]."""

    def __init__(self, problems: Iterable[Problem], changed: dict[str, list[Any]]):
        self.changed = changed
        super().__init__(problems)


class ConfigurationError(TrackerError):
    """A setting such as DATABASE_URL cannot be used."""


class StatementTimeout(TrackerError):
    """The database was stopped after a statement ran longer than allowed; the unit of
    work was rolled back, so nothing changed.

    `seconds` is the limit it ran into."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(
            f"the database took longer than {seconds:g} s to answer and was stopped; "
            "nothing changed: try a narrower filter, or again when it is less busy"
        )


def problems_from_validation_error(
    error: ValidationError, *, line: int | None = None, prefix: str = ""
) -> list[Problem]:
    """Turn pydantic's error list into Problems.

    Each Problem names the field path and the reason."""
    problems = []
    for item in error.errors(include_url=False):
        path = ".".join(str(part) for part in item["loc"] if part != "__root__")
        field = ".".join(part for part in (prefix, path) if part) or "record"
        reason = item["msg"].removeprefix("Value error, ")
        value = item.get("input")
        if isinstance(value, dict | list):
            value = None  # a whole record or list is not worth echoing back
        problems.append(Problem(field=field, reason=reason, line=line, value=value))
    return problems
