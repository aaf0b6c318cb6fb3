"""SQL expressions that make text, written once for SQLite and PostgreSQL.

An export assembled by the database needs text built the way Python builds it: lists
joined in a given order, values as JSON, timestamps as `datetime.isoformat()` in UTC.
The two databases spell these differently; each construct here compiles to the
spelling of the database it runs on, so a query that uses them is one code path."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    String,
    case,
    func,
    literal_column,
    or_,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ExpressionClauseList, Grouping
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.operators import concat_op

# SQLite orders the rows an aggregate reads (`group_concat(x, ', ' ORDER BY y)`)
# from this version on; before it, the rows come ordered from a subquery instead.
SQLITE_AGGREGATE_ORDER_BY = (3, 44, 0)


def sql_string(text: str) -> ColumnElement[str]:
    """A constant text written into the statement (not a bound parameter): the
    export's statement joins dozens of them, and both databases then plan it with
    their values."""
    return literal_column("'" + text.replace("'", "''") + "'", String())


def _sqlite_orders_aggregates(compiler: SQLCompiler) -> bool:
    version = getattr(compiler.dialect.dbapi, "sqlite_version_info", (0,))
    return tuple(version) >= SQLITE_AGGREGATE_ORDER_BY


class joined_text(FunctionElement):  # noqa: N801 - named as SQL functions are
    """Aggregate: the texts of a group joined by a separator, in the order of the
    `ORDER BY` terms after the first two arguments; NULL when every text is.

    `joined_text(name, "; ", role, name)` is `string_agg(name, '; ' ORDER BY role,
    name)` on PostgreSQL. SQLite before 3.44 cannot order an aggregate, so there it
    joins the rows in the order they come: the caller reads them from a subquery
    ordered by the same terms (`ordered_rows`), which SQLite keeps for an aggregate
    over it (a subquery with ORDER BY is never flattened into an aggregate)."""

    inherit_cache = True
    name = "joined_text"
    type = String()

    def __init__(self, text: Any, separator: str, *order_by: Any) -> None:
        super().__init__(text, sql_string(separator), *order_by)


def _joined_parts(element: joined_text, compiler: SQLCompiler, **kw: Any):
    text, separator, *order_by = (
        compiler.process(clause, **kw) for clause in element.clauses
    )
    order = f" ORDER BY {', '.join(order_by)}" if order_by else ""
    return text, separator, order


@compiles(joined_text)
def _group_concat(element: joined_text, compiler: SQLCompiler, **kw: Any) -> str:
    text, separator, order = _joined_parts(element, compiler, **kw)
    if not _sqlite_orders_aggregates(compiler):
        order = ""
    return f"group_concat({text}, {separator}{order})"


@compiles(joined_text, "postgresql")
def _string_agg(element: joined_text, compiler: SQLCompiler, **kw: Any) -> str:
    text, separator, order = _joined_parts(element, compiler, **kw)
    return f"string_agg({text}, {separator}{order})"


class json_value(FunctionElement):  # noqa: N801 - named as SQL functions are
    """A text, number or date as JSON text (`json.dumps(..., ensure_ascii=False)`
    writes the same, a date as its ISO text); `null` for NULL."""

    inherit_cache = True
    name = "json_value"
    type = String()


@compiles(json_value)
def _json_quote(element: json_value, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_quote({compiler.process(element.clauses, **kw)})"


@compiles(json_value, "postgresql")
def _to_json(element: json_value, compiler: SQLCompiler, **kw: Any) -> str:
    return f"coalesce(to_json({compiler.process(element.clauses, **kw)})::text, 'null')"


class json_texts(FunctionElement):  # noqa: N801 - named as SQL functions are
    """A JSON column that holds an array of texts (contexts, a file's header) or an
    object of texts (a source record's cells) as compact JSON text, each text
    written as `json_value` writes it: what pydantic's `to_json` writes of the
    column's value read into Python, on both databases.

    The stored text is not that already: the ORM stores `json.dumps`'s spacing and
    its `\\u` escapes, and PostgreSQL's JSONB prints its own spacing. SQLite: a
    text without a backslash has no escape in it, and `json()` only takes the
    spaces out; one with a backslash is written again from its items. PostgreSQL:
    written again from its items, in the order JSONB keeps them (the order a
    Python reader gets them in)."""

    inherit_cache = True
    name = "json_texts"
    type = String()

    def __init__(self, column: Any, *, keyed: bool = False) -> None:
        super().__init__(column)
        self.keyed = keyed


@compiles(json_texts)
def _json_texts_sqlite(element: json_texts, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    if element.keyed:
        item, order, empty = "json_quote(key) || ':' || json_quote(value)", "id", "{}"
    else:
        item, order, empty = "json_quote(value)", "key", "[]"
    ordered = f" ORDER BY {order}" if _sqlite_orders_aggregates(compiler) else ""
    items = (
        f"(SELECT '{empty[0]}' || group_concat({item}, ','{ordered}) || '{empty[1]}'"
        f" FROM (SELECT key, value, id FROM json_each({column}) ORDER BY {order}))"
    )
    return (
        f"CASE WHEN instr({column}, '\\') = 0 THEN json({column})"
        f" ELSE coalesce({items}, '{empty}') END"
    )


@compiles(json_texts, "postgresql")
def _json_texts_postgresql(
    element: json_texts, compiler: SQLCompiler, **kw: Any
) -> str:
    column = f"({compiler.process(element.clauses, **kw)})::jsonb"
    if element.keyed:
        # Each value's own JSONB text is its JSON string (the fastest of the ways
        # measured, as `to_json` of the text would write it).
        return (
            "coalesce((SELECT '{' || string_agg(to_json(json_item.key)::text"
            " || ':' || json_item.value::text, ',' ORDER BY json_item.n) || '}'"
            f" FROM jsonb_each({column}) WITH ORDINALITY"
            " AS json_item(key, value, n)), '{}')"
        )
    # A text[] written by array_to_json: compact, in the array's order.
    return f"array_to_json(ARRAY(SELECT jsonb_array_elements_text({column})))::text"


class json_array_items(FunctionElement):  # noqa: N801 - named as SQL functions are
    """Table: the items of a JSON array column of texts as rows, in columns `value`
    (the text) and `key` (its position), for a FROM clause.

    SQLite's json_each has these columns; on PostgreSQL (where the column is JSONB)
    they are jsonb_array_elements_text's, numbered WITH ORDINALITY."""

    inherit_cache = True
    name = "json_array_items"


@compiles(json_array_items)
def _json_each_items(
    element: json_array_items, compiler: SQLCompiler, **kw: Any
) -> str:
    return f"json_each({compiler.process(element.clauses, **kw)})"


@compiles(json_array_items, "postgresql")
def _jsonb_items(element: json_array_items, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return (
        f"jsonb_array_elements_text(({column})::jsonb)"
        " WITH ORDINALITY AS json_items(value, key)"
    )


class json_array_length(FunctionElement):  # noqa: N801 - named as SQL functions are
    """The number of items of a JSON array column (JSONB on PostgreSQL); NULL for
    NULL."""

    inherit_cache = True
    name = "json_array_length"


@compiles(json_array_length)
def _json_array_length(
    element: json_array_length, compiler: SQLCompiler, **kw: Any
) -> str:
    return f"json_array_length({compiler.process(element.clauses, **kw)})"


@compiles(json_array_length, "postgresql")
def _jsonb_array_length(
    element: json_array_length, compiler: SQLCompiler, **kw: Any
) -> str:
    return f"jsonb_array_length(({compiler.process(element.clauses, **kw)})::jsonb)"


class iso_utc(FunctionElement):  # noqa: N801 - named as SQL functions are
    """A UTC timestamp column (`tracker.models.UTCDateTime`) as the text
    `datetime.isoformat()` gives: `2025-06-01T08:30:15.123456+00:00`, without the
    fraction when it is zero."""

    inherit_cache = True
    name = "iso_utc"
    type = String()


@compiles(iso_utc)
def _iso_utc_sqlite(element: iso_utc, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite holds the naive UTC time as text, `2025-06-01 08:30:15.123456`.
    x = compiler.process(element.clauses, **kw)
    return (
        f"(substr({x}, 1, 10) || 'T' || substr({x}, 12, 8)"
        f" || CASE WHEN substr({x}, 20, 1) = '.' AND rtrim(substr({x}, 21, 6), '0')"
        f" <> '' THEN '.' || substr({x}, 21, 6) ELSE '' END || '+00:00')"
    )


@compiles(iso_utc, "postgresql")
def _iso_utc_postgresql(element: iso_utc, compiler: SQLCompiler, **kw: Any) -> str:
    x = f"({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC')"
    return (
        f"(to_char({x}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        f" || CASE WHEN date_trunc('second', {x}) = {x} THEN ''"
        f" ELSE to_char({x}, '.US') END || '+00:00')"
    )


class iso_date(FunctionElement):  # noqa: N801 - named as SQL functions are
    """A date column as `date.isoformat()` text: SQLite's stored text as it is,
    PostgreSQL's date written so whatever its DateStyle."""

    inherit_cache = True
    name = "iso_date"
    type = String()


@compiles(iso_date)
def _iso_date_sqlite(element: iso_date, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(iso_date, "postgresql")
def _iso_date_postgresql(element: iso_date, compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM-DD')"


class contains_character(FunctionElement):  # noqa: N801 - named as SQL functions are
    """Whether a text contains a character: `instr` on SQLite, `strpos` on
    PostgreSQL (both a plain search, faster than LIKE's pattern matching)."""

    inherit_cache = True
    name = "contains_character"
    type = Boolean()


@compiles(contains_character)
def _instr(element: contains_character, compiler: SQLCompiler, **kw: Any) -> str:
    text, character = (compiler.process(c, **kw) for c in element.clauses)
    return f"(instr({text}, {character}) > 0)"


@compiles(contains_character, "postgresql")
def _strpos(element: contains_character, compiler: SQLCompiler, **kw: Any) -> str:
    text, character = (compiler.process(c, **kw) for c in element.clauses)
    return f"(strpos({text}, {character}) > 0)"


def csv_field(
    text: ColumnElement[str],
    quoted_when_containing: tuple[str, ...],
    *,
    marked_when_starting_with: tuple[str, ...] = (),
    mark: str = "'",
) -> ColumnElement[str]:
    """`text` as one field of a CSV line, as `csv.writer` writes it (minimal
    quoting): '' for NULL or '', in double quotes (its own doubled) when it contains
    one of `quoted_when_containing`; with `mark` before it when it starts with one
    of `marked_when_starting_with` (a formula, for a spreadsheet).

    Each part of the test reads `text` itself, not another part's result: a column
    is read again cheaply, a computed text would be computed again."""
    needs_quotes = or_(
        *(contains_character(text, sql_string(c)) for c in quoted_when_containing)
    )
    marked: ColumnElement[str] = sql_string("")
    if marked_when_starting_with:
        starts = [sql_string(c) for c in marked_when_starting_with]
        marked = case(
            (func.substr(text, 1, 1).in_(starts), sql_string(mark)), else_=marked
        )
    quoted = (
        sql_string('"')
        + marked
        + func.replace(text, sql_string('"'), sql_string('""'))
        + sql_string('"')
    )
    return case(
        (or_(text.is_(None), text == sql_string("")), sql_string("")),
        (needs_quotes, quoted),
        else_=marked + text if marked_when_starting_with else text,
    )


class mostly_true(FunctionElement):  # noqa: N801 - named as SQL functions are
    """A condition SQLite's planner should take for true of most rows (`likely`);
    on PostgreSQL, which plans from its statistics, the condition as it is.

    Without statistics (no ANALYZE yet) SQLite takes an indexed equality such as
    the default `status IN ('confirmed', 'disputed')` for a rare one, reads that
    index and sorts every match to return the first rows in date order; told the
    condition is common, it walks the date index and stops at the batch's end."""

    inherit_cache = True
    name = "mostly_true"
    type = Boolean()


@compiles(mostly_true)
def _likely(element: mostly_true, compiler: SQLCompiler, **kw: Any) -> str:
    return f"likely({compiler.process(element.clauses, **kw)})"


@compiles(mostly_true, "postgresql")
def _as_it_is(element: mostly_true, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


class joined_parts(FunctionElement):  # noqa: N801 - named as SQL functions are
    """Texts joined end to end, none of them NULL: `a || b || c` on SQLite; one
    `concat(a, b, c)` on PostgreSQL, where each `||` copies the text grown so far
    (a record's JSON is some seventy pieces). Built by `joined`."""

    inherit_cache = True
    name = "joined_parts"
    type = String()


def joined(text: ColumnElement[str]) -> ColumnElement[str]:
    """`text`, made of pieces joined with `+` (none of them NULL), as `joined_parts`
    of every piece."""
    return joined_parts(*_pieces(text))


def _pieces(text: ColumnElement) -> list[ColumnElement]:
    if isinstance(text, ExpressionClauseList) and text.operator is concat_op:
        return [piece for clause in text.clauses for piece in _pieces(clause)]
    if isinstance(text, Grouping):
        return _pieces(text.element)
    return [text]


@compiles(joined_parts)
def _joined_by_bars(element: joined_parts, compiler: SQLCompiler, **kw: Any) -> str:
    pieces = (compiler.process(piece, **kw) for piece in element.clauses)
    return "(" + " || ".join(pieces) + ")"


@compiles(joined_parts, "postgresql")
def _concat(element: joined_parts, compiler: SQLCompiler, **kw: Any) -> str:
    return f"concat({compiler.process(element.clauses, **kw)})"
