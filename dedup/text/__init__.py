"""Page text: normalisation (leaf), markup scanning, dates, extraction and repeated-block removal."""
