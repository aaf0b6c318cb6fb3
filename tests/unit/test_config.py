"""Settings read from the environment: the statement time limits (issue #19)."""

from __future__ import annotations

import pytest

from tracker.config import bulk_statement_timeout, dashboard_statement_timeout
from tracker.errors import ConfigurationError


def test_statement_timeouts_default_to_30_s_for_pages_and_300_s_for_bulk_work(
    monkeypatch,
):
    monkeypatch.delenv("TRACKER_STATEMENT_TIMEOUT", raising=False)
    monkeypatch.delenv("TRACKER_BULK_STATEMENT_TIMEOUT", raising=False)
    assert dashboard_statement_timeout() == 30
    assert bulk_statement_timeout() == 300


@pytest.mark.parametrize(
    ("configured", "seconds"), [("2.5", 2.5), (" 45 ", 45), ("0", None), ("", 30)]
)
def test_statement_timeout_takes_seconds_and_zero_for_no_limit(
    monkeypatch, configured, seconds
):
    monkeypatch.setenv("TRACKER_STATEMENT_TIMEOUT", configured)
    assert dashboard_statement_timeout() == seconds


@pytest.mark.parametrize("configured", ["30s", "-1", "inf", "nan", "thirty"])
def test_statement_timeout_refuses_what_is_not_a_number_of_seconds(
    monkeypatch, configured
):
    monkeypatch.setenv("TRACKER_BULK_STATEMENT_TIMEOUT", configured)
    with pytest.raises(ConfigurationError) as refused:
        bulk_statement_timeout()
    assert str(refused.value) == (
        "$TRACKER_BULK_STATEMENT_TIMEOUT must be a number of seconds, 0 for no limit "
        f"(got {configured!r})"
    )
