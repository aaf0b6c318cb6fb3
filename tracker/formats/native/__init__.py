"""tracker's own CSV and JSON: the reader (the exporter is in tracker.exporting)."""
