"""dedup: web-crawl dumps to a clean, deduplicated, citable research dataset."""

__version__ = "0.1.0"
