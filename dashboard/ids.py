"""Every component id of the dashboard, as constants prefixed by page."""

URL = "app-url"
TIMELINE_EVENTS_OVER_TIME = "timeline-events-over-time"
TIMELINE_SUMMARY = "timeline-summary"
