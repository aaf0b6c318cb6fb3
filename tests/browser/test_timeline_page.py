"""In Chromium: the home page charts the seeded events by type.

The page shows no console errors."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def test_home_page_charts_seed_events_by_type_in_a_real_browser(
    page: Page, server: str
):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/")
    expect(
        page.get_by_role("heading", name="Events over time, by type")
    ).to_be_visible()
    expect(page.locator("#timeline-summary")).to_contain_text("12 events")
    bars = page.locator("#timeline-events-over-time g.barlayer g.trace")
    expect(bars.first).to_be_attached(timeout=15_000)
    legend = page.locator("#timeline-events-over-time g.legend").text_content()
    for event_type in ("ASSAULT", "CONSULT", "ACCUSE", "THREATEN", "CONCEDE"):
        assert event_type in legend
    assert errors == []


def test_type_filter_in_the_url_narrows_the_chart(page: Page, server: str):
    page.goto(server + "/?event_types=ASSAULT")
    expect(page.locator("#timeline-summary")).to_contain_text("3 events")
    legend = page.locator("#timeline-events-over-time g.legend")
    expect(legend).to_contain_text("ASSAULT")
    expect(legend).not_to_contain_text("CONSULT")
    expect(page.locator("#timeline-headlines")).to_contain_text("14")
