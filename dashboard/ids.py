"""Every component id of the dashboard, as kebab-case constants prefixed by page.

Each page keeps its ids in its own section below."""

# --- shell (top bar, navigation, URL) ---
URL = "app-url"
# Bumped by a write that changes the events (an import): the top bar recounts.
DATA_VERSION = "app-data-version"
NAV = "app-nav"
NAV_EVENT_COUNT = "app-nav-event-count"
ACCOUNT_MENU = "app-account-menu"  # the logged-in account and Log out
ACCOUNT_NAME = "app-account-name"
# Saved views in the account menu: the list, and the "Save view" form (issue 14).
ACCOUNT_VIEWS = "app-account-views"
ACCOUNT_VIEW_NAME = "app-account-view-name"
ACCOUNT_VIEW_NOTE = "app-account-view-note"
ACCOUNT_VIEW_SHARED = "app-account-view-shared"
ACCOUNT_VIEW_SAVE = "app-account-view-save"
ACCOUNT_VIEW_MESSAGE = "app-account-view-message"
ACCOUNT_VIEW_DELETE = "app-account-view-delete"  # pattern: {"type", "view"}

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
FILTER_FLAGGED = "filter-flagged"  # only events with figures flagged (issue 17)
# The analyst's own codes (issue 14).
FILTER_ACLED_TYPES = "filter-acled-types"
FILTER_ACLED_SUB_TYPES = "filter-acled-sub-types"
FILTER_DATASETS = "filter-datasets"
FILTER_ADMIN1 = "filter-admin1"
FILTER_ADMIN2 = "filter-admin2"
FILTER_ACTOR_KINDS = "filter-actor-kinds"
FILTER_MAX_FATALITIES = "filter-max-fatalities"
FILTER_CIVILIANS = "filter-civilians-targeted"
FILTER_TAGS = "filter-tags"
FILTER_CLEAR = "filter-clear"
FILTER_CHIPS = "filter-chips"
# The query string the panel itself last wrote: its echo is no navigation.
FILTER_WRITTEN = "filter-written"
# The notice of filter values in the URL that a page ignored, and why (issue 18).
FILTER_IGNORED = "filter-ignored"
FILTER_CHIP = (
    "filter-chip"  # pattern id: {"type": FILTER_CHIP, "field": ..., "value": ...}
)

# --- timeline page ---
TIMELINE_SUMMARY = "timeline-summary"
TIMELINE_HEADLINES = "timeline-headlines"
TIMELINE_EVENTS_OVER_TIME = "timeline-events-over-time"
TIMELINE_SWIMLANES = "timeline-swimlanes"
# pattern id: {"type": TIMELINE_CHART_DATA, "chart": ...}, a chart's "Data (CSV)" link
TIMELINE_CHART_DATA = "timeline-chart-data"
TIMELINE_LANES = "timeline-lanes"
TIMELINE_SCORE = "timeline-score"
TIMELINE_FATALITIES = "timeline-fatalities"
TIMELINE_EXPORT = "timeline-export"
TIMELINE_FILTER = "timeline-filter"
TIMELINE_NAVIGATE = "timeline-navigate"
TIMELINE_SWIMLANES_NOTE = "timeline-swimlanes-note"
TIMELINE_WINDOW_NOTE = "timeline-window-note"
TIMELINE_ACTORS_INVOLVED = "timeline-actors-involved"
# The "Pin an annotation" form of editors (issue 14).
TIMELINE_PIN_LABEL = "timeline-pin-label"
TIMELINE_PIN_STARTS = "timeline-pin-starts"
TIMELINE_PIN_ENDS = "timeline-pin-ends"
TIMELINE_PIN_EVENT = "timeline-pin-event"
TIMELINE_PIN_SAVE = "timeline-pin-save"
TIMELINE_PIN_MESSAGE = "timeline-pin-message"
TIMELINE_DUPLICATES = "timeline-duplicates"  # banner: events maybe counted twice

# --- map page ---
MAP_GRAPH = "map-graph"
MAP_SUMMARY = "map-summary"
MAP_EXPORT = "map-export"
MAP_NOTES = "map-notes"
MAP_BASEMAP = "map-basemap"
MAP_BASEMAP_READY = "map-basemap-ready"  # store: the basemap, once its Plotly is loaded
MAP_FILTER = "map-filter"
MAP_NAVIGATE = "map-navigate"  # a marker click navigates through it

# --- events page (the table) ---
EVENTS_GRID = "events-grid"
EVENTS_COUNT = "events-count"
EVENTS_FILTER = "events-filter"
EVENTS_EXPORT = "events-export"
EVENTS_EXPORT_ACLED = "events-export-acled"
# pattern id: {"type": EVENTS_EXPORT_OTHER, "format": "jsonl" | "geojson" | "xlsx"}
EVENTS_EXPORT_OTHER = "events-export-other"
EVENTS_STATE = "events-state"  # the URL query string the page was read for
EVENTS_COLUMNS = "events-columns"
EVENTS_ROWS = "events-rows"  # "rows 1–50 of 12,345"
EVENTS_PAGE_LINKS = {  # the pager's links, by the page they go to
    name: f"events-{name}" for name in ("first", "previous", "next", "last")
}
# Pattern-matched ids (a "type" key, below), since only editors' pages have them:
EVENTS_SELECTED = "events-selected"  # {"type", "table"}: how many rows are ticked
EVENTS_BULK_ACTION = "events-bulk-action"  # {"type", "kind"}: a bulk action's button
EVENTS_BULK_VALUE = "events-bulk-value"  # {"type", "field"}: the tag or the status
EVENTS_BULK_MESSAGE = "events-bulk-message"  # {"type", "table"}: what it did
EVENTS_LOCATION = "events-location"  # a row click, a sort, a column choice

# --- event page ---
EVENT_CARD = "event-card"
EVENT_EDIT = "event-edit"
EVENT_SOURCE_RECORD = "event-source-record"  # the row the event was imported from
EVENT_FIGURES_FLAG = "event-figures-flag"  # why the figures are out of order
EVENT_DUPLICATES = "event-duplicates"  # the possible duplicates, below the card
EVENT_PAGE = "event-page"  # the whole page, drawn again after a restore
EVENT_SHOWN = "event-shown"  # store: the event's id and the version the page shows
EVENT_HISTORY = "event-history"
EVENT_RESTORE = "event-restore"  # pattern id: {"type": EVENT_RESTORE, "version": n}
EVENT_MESSAGE = "event-message"  # what a restore did, or why it was refused

# --- add / edit form ---
FORM = "event-form"
FORM_SUMMARY = "event-form-summary"  # the problems found, above the form
FORM_FIGURES_FLAG = "event-form-figures-flag"  # the note on flagged figures
FORM_EDITING = "event-form-editing"  # store: the edited event's id, version, kept parts
FORM_TITLE = "event-form-title"
FORM_TYPE = "event-form-type"
FORM_MODE = "event-form-mode"
FORM_ACLED_TYPE = "event-form-acled-type"
FORM_ACLED_SUB_TYPE = "event-form-acled-sub-type"  # its options follow the type
FORM_CONTEXTS = "event-form-contexts"
FORM_NOTES = "event-form-notes"
FORM_DATE_START = "event-form-date-start"
FORM_DATE_END = "event-form-date-end"
FORM_DATE_PRECISION = "event-form-date-precision"
FORM_LOCATION = "event-form-location"
FORM_PLACE_FIND = "event-form-place-find"
FORM_PLACE_HITS = "event-form-place-hits"  # store: the places found
FORM_PLACE_LIST = "event-form-place-list"
FORM_PLACE_CHOICE = "event-form-place-choice"  # pattern id: {"type": ..., "index": n}
FORM_COUNTRY = "event-form-country"
FORM_ADMIN1 = "event-form-admin1"
FORM_ADMIN2 = "event-form-admin2"
FORM_LATITUDE = "event-form-latitude"
FORM_LONGITUDE = "event-form-longitude"
FORM_GEO_PRECISION = "event-form-geo-precision"
FORM_ACTOR_NAMES = "event-form-actor-names"  # datalist of the registry's actors
FORM_ACTORS = "event-form-actors"
FORM_ACTOR_ADD = "event-form-actor-add"
FORM_ACTOR_NAME = "event-form-actor-name"  # pattern id: {"type": ..., "index": n}
FORM_ACTOR_ROLE = "event-form-actor-role"  # pattern id: {"type": ..., "index": n}
FORM_ACTOR_ERROR = "event-form-actor-error"  # pattern id: {"type": ..., "index": n}
FORM_FATALITIES_LOW = "event-form-fatalities-low"
FORM_FATALITIES_BEST = "event-form-fatalities-best"
FORM_FATALITIES_HIGH = "event-form-fatalities-high"
FORM_CIVILIANS_KILLED = "event-form-civilians-killed"
FORM_CHILDREN_KILLED = "event-form-children-killed"
FORM_INJURED = "event-form-injured"
FORM_SOURCES = "event-form-sources"
FORM_SOURCE_ADD = "event-form-source-add"
FORM_SOURCE_URL = "event-form-source-url"  # pattern id: {"type": ..., "index": n}
FORM_SOURCE_PUBLISHER = "event-form-source-publisher"  # pattern id, as above
FORM_SOURCE_TITLE = "event-form-source-title"  # pattern id, as above
FORM_SOURCE_PUBLISHED = "event-form-source-published"  # pattern id, as above
FORM_SOURCE_QUOTE = "event-form-source-quote"  # pattern id, as above
FORM_SOURCE_ERROR = "event-form-source-error"  # pattern id, as above
FORM_STATUS = "event-form-status"
FORM_CONFIDENCE = "event-form-confidence"
FORM_TAGS = "event-form-tags"  # free words, separated by commas
FORM_LINKS = "event-form-links"
FORM_LINK_ADD = "event-form-link-add"
FORM_LINK_RELATION = "event-form-link-relation"  # pattern id: {"type": ..., "index": n}
FORM_LINK_TARGET = "event-form-link-target"  # pattern id, as above; searched events
FORM_LINK_ERROR = "event-form-link-error"  # pattern id, as above
FORM_FIELD_ERROR = "event-form-field-error"  # pattern id: {"type": ..., "field": key}
FORM_SAVE = "event-form-save"
FORM_DUPLICATES = "event-form-duplicates"  # the likely-duplicate warning, before saving
FORM_SAVE_ANYWAY = "event-form-save-anyway"  # shown with the duplicate warning
FORM_NAVIGATE = "event-form-navigate"  # a save or a merge opens its page through it
FORM_MERGE_INTO = "event-form-merge-into"  # pattern id: {"type": ..., "event": id}
FORM_CITE_ON = "event-form-cite-on"  # pattern id: {"type": ..., "event": id}

# --- import page ---
IMPORT_UPLOAD = "import-upload"
IMPORT_FILE = "import-file"  # what was uploaded, or why it was refused
IMPORT_UPLOADED = "import-uploaded"  # store: token, display name and size of the file
IMPORT_WRITTEN = "import-written"  # store: when the last import wrote events
IMPORT_FORMAT = "import-format"
IMPORT_DRY_RUN = "import-dry-run"  # the dry-run report
IMPORT_SKIP_INVALID = "import-skip-invalid"
IMPORT_RUN = "import-run"  # the Import button
IMPORT_RESULT = "import-result"  # the summary after importing, with links

# --- review page ---
REVIEW_TEXT = "review-text"  # the article's text, pasted or read from the upload
REVIEW_UPLOAD = "review-upload"
REVIEW_PUBLISHED = "review-published"
REVIEW_URL = "review-url"
REVIEW_RUNNING = "review-running"  # "Extracting…" while the server works
REVIEW_EXTRACT = "review-extract"  # the Extract events button
REVIEW_FIELD_ERROR = "review-field-error"  # pattern id: {"type": ..., "field": key}
REVIEW_MESSAGE = "review-message"  # what the last action did, or why it failed
REVIEW_SHOWN = "review-shown"  # store: the article key shown, or None for all
REVIEW_QUEUE = "review-queue"  # the articles with their proposals
REVIEW_REJECT = "review-reject"  # pattern id: {"type": ..., "event": id, "version": v}
REVIEW_MERGE_INTO = "review-merge-into"  # pattern id: {"type": ..., "event": id}
REVIEW_MERGE = "review-merge"  # pattern id: {"type": ..., "event": id}

# --- summary page ---
SUMMARY_TABLE = "summary-table"
SUMMARY_COUNT = "summary-count"
SUMMARY_DOWNLOAD = "summary-download"
SUMMARY_CHOICES = "summary-choices"

# --- duplicates queue (issue 14) ---
DUPLICATES_COUNT = "duplicates-count"  # "Candidates 1–20 of 345", with page links
DUPLICATES_QUEUE = "duplicates-queue"  # the page's candidates, drawn again after one
DUPLICATES_MESSAGE = "duplicates-message"  # what the last decision did, or why not
DUPLICATES_KEEP = "duplicates-keep"  # pattern id: {"type": ..., "candidate", "keep"}
DUPLICATES_DISMISS = "duplicates-dismiss"  # pattern id: {"type": ..., "candidate": id}
