"""tracker: a conflict event-tracking timeline database.

Typed, dated, located and sourced events (PLOVER types with ACLED and CAMEO
crosswalks), stored through SQLModel in SQLite or PostgreSQL. The Dash dashboard lives
in `dashboard/` and calls this package; this package never imports the dashboard, Dash
or Plotly.
"""

__version__ = "0.1.0"
