"""The vocabulary: taxonomy, dates, gazetteer, actor names. Plain data and pure
functions; no sessions."""
