"""tracker's own CSV and JSON: the cells an event becomes (`cells`) and the reader
(`read`); the export workflow that writes them is `tracker.exporting`."""
