"""Release packaging: card, manifest, checksums, Croissant, report, verify, publish."""
