"""Every component id of the dashboard, as kebab-case constants prefixed by page.

Each page keeps its ids in its own section below."""

# --- shell (top bar, navigation, URL) ---
URL = "app-url"
NAV = "app-nav"
NAV_EVENT_COUNT = "app-nav-event-count"

# --- filter panel (shared by every list and chart page) ---
FILTER_PANEL = "filter-panel"
FILTER_TOGGLE = "filter-toggle"
FILTER_SINCE = "filter-since"
FILTER_UNTIL = "filter-until"
FILTER_TYPES = "filter-types"  # pattern id: {"type": FILTER_TYPES, "quad": 1..4}
FILTER_MODES = "filter-modes"
FILTER_ACTORS = "filter-actors"
FILTER_COUNTRIES = "filter-countries"
FILTER_PLACES = "filter-places"
FILTER_TEXT = "filter-text"
FILTER_MIN_FATALITIES = "filter-min-fatalities"
FILTER_STATUSES = "filter-statuses"
FILTER_CLEAR = "filter-clear"
FILTER_CHIPS = "filter-chips"
FILTER_CHIP = (
    "filter-chip"  # pattern id: {"type": FILTER_CHIP, "field": ..., "value": ...}
)

# --- timeline page ---
TIMELINE_SUMMARY = "timeline-summary"
TIMELINE_HEADLINES = "timeline-headlines"
TIMELINE_EVENTS_OVER_TIME = "timeline-events-over-time"
TIMELINE_SWIMLANES = "timeline-swimlanes"
TIMELINE_LANES = "timeline-lanes"
TIMELINE_SCORE = "timeline-score"
TIMELINE_FATALITIES = "timeline-fatalities"
TIMELINE_EXPORT = "timeline-export"

# --- map page ---
MAP_GRAPH = "map-graph"
MAP_SUMMARY = "map-summary"
MAP_EXPORT = "map-export"

# --- events page (the table) ---
EVENTS_GRID = "events-grid"
EVENTS_COUNT = "events-count"
EVENTS_FILTER = "events-filter"
EVENTS_EXPORT = "events-export"
EVENTS_EXPORT_ACLED = "events-export-acled"

# --- event page ---
EVENT_CARD = "event-card"

# --- add / edit form ---
FORM = "event-form"
