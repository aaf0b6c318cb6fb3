"""Plotly figures from plain data: the timeline's charts, the map, their axes and lanes.
No Dash, no database."""
