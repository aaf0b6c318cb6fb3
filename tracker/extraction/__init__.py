"""Article text -> proposed events.

Sentences, dates, places, actors, casualties, classification; `pipeline.extract_events`
is the entry point and `proposals` holds what it returns."""
