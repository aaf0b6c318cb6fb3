"""The actor filter matches registry names and aliases, in any case (issue 12).

The dropdown filters the options it is sent by their label, so an actor found by an
alias must carry that alias in its label; a filter naming an alias in the URL
counts the actor's events. Expected values come from SQL written here."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from dashboard.components.filter_panel import update_actor_options
from dashboard.pages import timeline
from tests.conftest import count_confirmed_events_of
from tests.dashboard.conftest import request_as
from tests.dashboard.test_timeline import find


@pytest.mark.parametrize("typed", ["Kremlin", "kreml", "KREMLIN"])
def test_actor_options_offer_the_actor_an_alias_names_labelled_with_it(app, typed):
    with request_as(app, role="viewer"):
        options = update_actor_options(typed, [])
    assert [o["value"] for o in options] == ["Government of Russia"]
    # The dropdown keeps an option only if its label contains what was typed.
    [label] = [o["label"] for o in options]
    assert typed.casefold() in label.casefold()
    assert label.startswith("Government of Russia (alias: ")


def test_actor_options_by_name_are_labelled_with_the_name_alone(app):
    with request_as(app, role="viewer"):
        options = update_actor_options("Government of R", [])
    assert options == [
        {"label": "Government of Russia", "value": "Government of Russia"}
    ]


@pytest.mark.parametrize("alias", ["Kremlin", "the kremlin", "Government of Russia"])
def test_timeline_with_an_alias_in_the_url_counts_that_actors_events(
    app, database_url, alias
):
    expected = count_confirmed_events_of(database_url, "Government of Russia")
    assert expected > 1
    with request_as(app, path="/?" + urlencode({"actors": alias}), role="viewer"):
        page = timeline.layout(actors=alias, statuses="confirmed")
    summary = find(page, "timeline-summary").children
    assert summary.startswith(f"{expected} events ·"), summary
