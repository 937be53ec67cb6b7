"""Round 31 (issue 12): the lines of a box quoting the reader comments of the site's other pages ("recent comments":
dedup/text/commentwidgets.py, docs/extraction.md "Round 31"). Each fixture is a short page of a small blog, extracted
alone; what marks a box's entry is its link to a comment (`#comment-N`) on another page of the same site.
"""

from __future__ import annotations

import html as html_lib

from test_cleaning import HEADLINE, STORY, assert_story_kept, unseen_pages

from dedup.text.commentwidgets import comment_link_texts, other_page_comment_lines
from dedup.text.extract import extract_html
from dedup.text.markup import SiteLinks

URL = "https://millbrook-notes.example/2024/05/flood-barrier/"

# (commenter, the other page's path, the comment's start as the box cuts it)
ENTRIES = [
    ("Hannah Kruger", "/2024/04/river-walk/", "Thanks for the photos, we walked the east bank last Sunday and the "
     "new footbridge is already open to..."),
    ("Tomasz", "/2024/03/school-budget/", "The board has not published the figures it voted on, which is why the "
     "meeting ran so long..."),
    ("Ruth Ames", "/2024/03/school-budget/", "I went to the meeting too and nobody explained where the money for "
     "the second bus comes from..."),
]


def box(entries: list[tuple[str, str, str]], site: str = "") -> str:
    """A sidebar box of comment entries: '<a href=SITE+PATH#comment-N>NAME</a>: EXCERPT' per list item."""
    items = "".join(f"<li><a href='{site}{path}#comment-{100 + i}'>{html_lib.escape(name)}</a>: "
                    f"{html_lib.escape(text)}</li>" for i, (name, path, text) in enumerate(entries))
    return f"<div class='widget'><h3>Recent comments</h3><ul>{items}</ul></div>"


def blog_page(in_story: str) -> str:
    """A blog's story with `in_story` (a box, a paragraph) after its paragraphs, in the post's own element."""
    body = "".join(f"<p>{html_lib.escape(p, quote=False)}</p>" for p in STORY)
    return (f"<html><head><title>{HEADLINE} | Millbrook Notes</title></head><body><div class='content'>"
            f"<div class='post'><h1>{HEADLINE}</h1>{body}{in_story}</div></div>"
            f"<div class='bottom'><p>&copy; 2024 Millbrook Notes</p></div></body></html>")


def entry_lines(entries: list[tuple[str, str, str]]) -> list[str]:
    return [f"{name}: {text}" for name, _, text in entries]


def test_a_box_of_other_pages_comments_leaves_the_story():
    """A box listing the last comments of the blog's other posts ('Tomasz: The board has not published ...'), each a
    link to the comment on its page, is no part of the story: its entries go, the story stays (main kept them)."""
    for site in ("", "https://millbrook-notes.example"):  # relative and absolute links
        ex = extract_html(blog_page(box(ENTRIES, site)), URL)
        assert_story_kept(ex.blocks)
        for line in entry_lines(ENTRIES):
            assert line not in ex.blocks, (site, line)


def test_links_to_this_pages_comments_or_another_sites_are_no_box():
    """Entries linking to the page's own comments (a 'latest replies' list of this post), or to another site's
    comments, are not marked by this rule; neither is one sentence citing one comment of another post."""
    own = [(name, "/2024/05/flood-barrier/", text) for name, _, text in ENTRIES]
    for markup in (blog_page(box(own)), blog_page(box(ENTRIES, "https://other-blog.example"))):
        links = SiteLinks(markup, URL)
        assert comment_link_texts(markup, links) == []
        kept = entry_lines(ENTRIES)
        assert other_page_comment_lines(kept, markup, links) == []
    cite = ("<p>Hannah Kruger: the footbridge is open, as a reader wrote under <a href='/2024/04/river-walk/#comment-7'>"
            "our April post</a>.</p>")
    markup = blog_page(cite)
    ex = extract_html(markup, URL)
    assert_story_kept(ex.blocks)
    assert "Hannah Kruger: the footbridge is open, as a reader wrote under our April post." in ex.blocks


def test_entry_shapes():
    """An entry is a line that opens with a comment link's text and ':' or ends with it (the other story's title);
    a line that only holds the name elsewhere is not."""
    markup = blog_page(box(ENTRIES))
    links = SiteLinks(markup, URL)
    assert comment_link_texts(markup, links) == ["Hannah Kruger", "Tomasz", "Ruth Ames"]
    kept = ["Tomasz: The board has not published...", "Ruth Ames on Tomasz", "Tomasz said the board met.",
            "Ruth Ames"]
    assert other_page_comment_lines(kept, markup, links) == [0, 1]


def test_unseen_page_drops_its_recent_comments_box():
    """trafilatura-eval (half A of round 31's split; skipped without ../shared): gizmeo.eu keeps its sidebar with the
    story; its 'Kommentare' box quotes five comments of other posts ('Abbey: Vielen Dank ... keine Ahnung mehr wie
    es...', a `without` snippet main kept). Every `with` snippet stays, no `without` snippet of the box is kept."""
    for prefix, note, ex, text in unseen_pages(["https://gizmeo.eu/makrophotos-von-insekten"]):
        for snippet in note["with"]:
            assert " ".join(snippet.split()) in text, (prefix, snippet)
        assert "keine Ahnung mehr wie es" not in text
        assert not any(line.startswith(("Borno:", "Abbey:", "c1ph4:", "Neil:")) for line in ex.blocks)
