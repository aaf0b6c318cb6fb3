"""ACLED: reading its CSV, writing it back (verbatim where the event is unchanged), and
placing rows that lack coordinates."""
