"""The filter options of `tracker list` and `tracker export`, read by the parser the
dashboard uses (issue #18): a refused value is a usage error naming the option, and
nothing is listed or written. On SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_cli import invoke


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        (
            "--min-fatalities",
            "²",
            "must be a whole number of 0 or more, in the digits 0-9 (got '²')",
        ),
        (
            "--min-fatalities",
            "99999999999999999999999",
            "must be at most 2,147,483,647 (got '99999999999999999999999')",
        ),
        (
            "--since",
            "2022-02-30",
            "is not a calendar date (day is out of range for month) (got '2022-02-30')",
        ),
        ("--until", "0001-01-01", "must be from 1800-01-01 to 2199-12-31"),
        ("--type", "BOMBING", "is not a PLOVER event type, such as ASSAULT"),
        ("--status", "gone", "must be one of proposed, confirmed, disputed"),
        ("--country", "Ukraine", "must be an ISO 3166-1 alpha-3 country code"),
    ],
)
def test_a_refused_filter_value_is_a_usage_error_naming_the_option(
    database_url, tmp_path, option, value, said
):
    listed = invoke(database_url, "list", option, value)
    assert listed.exit_code == 2
    assert f"Error: Invalid value for {option}: {said}" in listed.output
    folder = tmp_path / "out"
    folder.mkdir()
    output = folder / "events.csv"
    exported = invoke(database_url, "export", "-o", str(output), option, value)
    assert exported.exit_code == 2
    assert f"Invalid value for {option}: {said}" in exported.output
    assert list(folder.iterdir()) == []  # nothing was written, not even a part


def test_every_refused_value_is_named_at_once(database_url):
    result = invoke(
        database_url, "list", "--since", "2025-13-01", "--min-fatalities", "-1"
    )
    assert result.exit_code == 2
    assert "Invalid value for --since: is not a calendar date" in result.output
    assert "Invalid value for --min-fatalities: must be a whole number" in result.output


def test_min_fatalities_mode_and_place_options_narrow_the_listing(database_url):
    assert invoke(database_url, "seed").exit_code == 0
    deadly = invoke(database_url, "list", "--min-fatalities", "14").stdout
    assert "kills 14 Ukrainians" in deadly
    assert invoke(database_url, "list", "--min-fatalities", "15").stdout == ""
    istanbul = invoke(database_url, "list", "--place", "istanbul").stdout
    assert istanbul.count("[Istanbul, TUR]") == 3
    talks = invoke(database_url, "list", "--mode", "THIRD-PARTY").stdout
    assert "peace talks in Istanbul" in talks


def test_the_admin2_option_lists_the_events_in_that_district(database_url, tmp_path):
    # Issue 14: every field of the filter is an option, admin2 included.
    path = tmp_path / "events.jsonl"
    lines = [
        {
            "title": f"Shelling in {town}",
            "event_type": "ASSAULT",
            "date_start": "2025-05-14",
            "location": {"name": town, "country": "UKR", "admin2": district},
            "dataset": "test",
            "external_id": town,
        }
        for town, district in (
            ("Kupiansk", "Kupianskyi"),
            ("Izium", "Iziumskyi"),
            ("Balakliia", None),
        )
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    assert invoke(database_url, "import", str(path)).exit_code == 0
    listed = invoke(database_url, "list", "--admin2", "KUPIANSKYI").stdout
    assert "Shelling in Kupiansk" in listed
    assert "Izium" not in listed and "Balakliia" not in listed
    help_text = invoke(database_url, "list", "--help").stdout
    assert "--admin2" in help_text
