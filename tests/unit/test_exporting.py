"""CSV export rules that need no database."""

from __future__ import annotations

import pytest

from tracker.formats.native.cells import neutralise_formula


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=10+20+cmd|' /C calc'!A0", "'=10+20+cmd|' /C calc'!A0"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Kyiv", "Kyiv"),
    ],
)
def test_neutralise_formula_prefixes_cells_a_spreadsheet_would_run(text, expected):
    assert neutralise_formula(text) == expected
