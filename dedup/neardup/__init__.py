"""Near-duplicates: MinHash signatures, LSH candidates and verification, connected components."""
