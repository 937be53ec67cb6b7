"""Licence and attribution of a page, and of a cluster of copies."""
