"""PLOVER records: the reader and the CAMEO coding it carries."""
