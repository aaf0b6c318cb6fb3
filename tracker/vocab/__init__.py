"""The vocabulary: taxonomy, dates, gazetteer. Plain data and pure functions; no
sessions."""
