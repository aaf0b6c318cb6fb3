"""The read side: filters and the queries over them (listings, stats, timeline, rollup,
facets). Takes a session, never writes."""
