"""Pieces of layout shared by several pages."""
