"""reject_hints: what to do about a build's most common reject reason, said when rejects are a large share of it.

A build whose input was mostly unusable (ids lost by an export, a folder of PDFs, a file cut short) printed the counts
by reason and nothing else (audit round 11: 30 of 38 records `missing_id`, and the summary's line
"rejects 30 (missing_id: 30)"). `dedup build` and `dedup stats` now add one line naming the top reason, its share
and how to fix it; each row of rejects/ keeps its own `detail`.
"""

from __future__ import annotations

# a build says it when at least this share of its input records are rejects
MANY_REJECTS = 0.10

# how to fix each reason a user can do something about (the reasons: docs/architecture.md, "Identity and accounting")
HINTS = {
    "missing_id": "give each JSON Lines or Parquet row a non-empty `id`, or leave the field out (an id is then "
                  "derived from the row's data)",
    "bad_json": "lines that are not JSON: a JSON Lines file holds one JSON object per line, in UTF-8",
    "duplicate_field": "a JSON member or Parquet column given twice with different values: write each field once",
    "repeated_doc_id": "two records under one id: a file given twice, or ids numbered again in another file (each "
                       "detail names the record that kept the id, or says how it compares with a previous release's)",
    "non_html_payload": "the records are not HTML pages (PDF, images, JSON...): expected of a crawl of every URL; "
                        "give only the pages to skip them",
    "no_text": "pages with no main text to extract (index, gallery or media pages): expected of a whole-site crawl",
    "not_a_story": "error, redirect, bot-challenge or wall pages served as HTTP 200: fetch those URLs again",
    "http_status": "responses other than 200 OK: expected in a crawl",
    "revisit_record": "WARC revisit records hold no page: give the crawl that holds the original records too",
    "payload_too_large": "records over `max_payload_bytes`: raise it in the build's config (docs/configuration.md)",
    "text_too_large": "plain texts over `max_text_bytes`: raise it in the build's config (docs/configuration.md)",
    "html_too_large": "pages over `max_html_bytes`: raise it in the build's config (docs/configuration.md)",
    "too_many_blocks": "pages over `max_blocks`: raise it in the build's config (docs/configuration.md)",
    "licence_not_selected": "this build's `--licence` leaves these classes out: build without it to publish them",
    "gzip_error": "a damaged or cut-short gzip file: download it again",
    "truncated_file": "a file cut short: download it again",
    "corrupt_file": "a damaged file: download it again",
    "zstd_error": "a damaged or cut-short zstd file: download it again",
    "empty_payload": "records with no body (or JSON rows with neither `html` nor `text`): an export that left the "
                     "pages out; export them with their content",
    "reserved_doc_id": "ids holding the marks dedup keeps for the ids it derives (each detail names the mark): "
                       "rename them in the input",
    "content_length_mismatch": "WARC records whose Content-Length does not match: a damaged file, download it again",
    "file_changed": "a file that changed while it was read: build again once it is complete",
}


def many_rejects_line(input_records: int, rejects_by_reason: dict[str, int]) -> str | None:
    """'79% of the input records are rejects, most of them missing_id (30): <how to fix>; ...', or None when rejects
    are under `MANY_REJECTS` of the input records."""
    rejects = sum(rejects_by_reason.values())
    if not input_records or rejects < MANY_REJECTS * input_records:
        return None
    reason, count = min(rejects_by_reason.items(), key=lambda kv: (-kv[1], kv[0]))
    hint = HINTS.get(reason, "each row of rejects/ says why in its `detail`")
    return (f"{100 * rejects / input_records:.0f}% of the input records are rejects, most of them {reason} "
            f"({count:,}): {hint}; each row of rejects/ says why in its `detail`")
