"""Reading crawl dumps: WARC/WET/ARC containers, JSONL, Parquet, local paths or object-store URLs."""
