"""The write side: the one door for event writes, the registry of actors, places and
sources, bulk writing, history, accounts. Flushes, never commits."""
