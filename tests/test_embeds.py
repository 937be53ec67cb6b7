"""Social posts the story quotes (embedded tweets, Instagram posts): kept where they stand inside the story
(dedup/text/embeds.py, docs/extraction.md round 21)."""

from __future__ import annotations

from test_cleaning import HEADLINE, STORY, assert_story_kept, unseen_pages

from dedup.text.embeds import _post_line
from dedup.text.extract import extract_html
from dedup.text.normalise import fold_text

# as the network's embed code writes it: the post's paragraph, its author line, the widget script after it
TWEET = ('<blockquote class="twitter-tweet" data-lang="en"> <p lang="en" dir="ltr">The levee vote is done: six to one. '
         'Construction starts next summer, the county says. <a href="https://t.co/x1">pic.twitter.com/x1</a></p> '
         '<p>&mdash; Millbrook Weather Desk (@MillbrookWx) '
         '<a href="https://twitter.com/MillbrookWx/status/1?ref_src=tw">'
         'September 14, 2022</a></p></blockquote> '
         '<p><script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script></p>')
SIDEBAR_TWEET = ('<blockquote class="twitter-tweet"><p>Our newsroom is hiring a night editor, apply today.</p>'
                 '&mdash; The Millbrook Ledger (@MillbrookLedger) <a href="https://twitter.com/x/status/2">'
                 'September 1, 2022</a></blockquote>')

# two more paragraphs: the model is sure of a story of CONFIDENT_WORDS words or more (`cleaning.sure_story`)
MORE = [
    "Engineers from the state's water agency will review the final design before any contract is signed. The "
    "review is expected to take three months, and the board said it would publish the agency's findings in full.",
    "Residents who live along the planned route can ask for a meeting with the project team at the county offices "
    "on Main Street. Maps of the route and of the areas that flooded in 2021 are on display in the library.",
]


def page(inside: str = TWEET, sidebar: str = "") -> str:
    """A story page as WordPress writes one (the story in `<div class="entry-content">`, where resiliparse's
    main-content pass drops an embedded post), with `inside` after its third paragraph and `sidebar` beside it."""
    paragraphs = [f"<p>{p}</p>" for p in STORY + MORE]
    body = "".join(paragraphs[:3]) + inside + "".join(paragraphs[3:])
    return (f"<html><head><title>{HEADLINE} | The Millbrook Ledger</title></head><body>"
            '<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>'
            f'<article><h1>{HEADLINE}</h1><div class="entry-content">{body}</div></article>'
            f'<aside class="sidebar"><h3>On Twitter</h3>{sidebar}</aside>'
            '<footer><p>Copyright 2022 The Millbrook Ledger</p></footer></body></html>')


def test_an_embedded_post_inside_the_story_is_kept_where_it_stands():
    ex = extract_html(page(), "https://ledger.example.com/news/flood-barrier")
    assert_story_kept(ex.blocks)
    text = ex.text
    post = "The levee vote is done: six to one. Construction starts next summer, the county says."
    assert post in text
    assert "(@MillbrookWx)" in text
    # in its place: after the third paragraph, before the fourth
    assert text.index(STORY[2]) < text.index(post) < text.index(STORY[3])
    # the lines the metadata readers saw are those of main's reading: the post's lines come after them
    assert ex.evidence_blocks is not None and post in " ".join(ex.evidence_blocks)


def test_a_post_beside_the_story_stays_out():
    ex = extract_html(page(inside="", sidebar=SIDEBAR_TWEET), "https://ledger.example.com/news/flood-barrier")
    assert_story_kept(ex.blocks)
    assert "night editor" not in ex.text


def test_a_blockquote_that_is_no_embed_is_left_to_the_main_pass():
    quote = ('<blockquote class="pull-quote"><p>Every season we delay, we bet their homes on the weather.</p>'
             '</blockquote>')
    with_quote = extract_html(page(inside=quote), "https://ledger.example.com/n")
    assert_story_kept(with_quote.blocks)
    assert "(@" not in with_quote.text


def test_embedded_posts_on_real_unseen_pages():
    """trafilatura-eval pages (half A of the text8 split) whose story quotes tweets the main-content pass dropped:
    the posts' snippets are kept now, and every other story snippet stays."""
    for prefix, note, ex, text in unseen_pages(["https://www.basicthinking.de/blog/2018/12/05/erfolgreiche-tweets"]):
        for snippet in note["with"]:
            assert " ".join(snippet.split()) in text, (prefix, snippet)
        assert "Meine Mutter ist jederzeit auf die Apokalypse vorbereitet." in text


INSTAGRAM = ('<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/Byx1/" '
             'data-instgrm-version="12"><div><a href="https://www.instagram.com/p/Byx1/" target="_blank"><div>'
             '<div>View this post on Instagram</div></div></a><p><a href="https://www.instagram.com/p/Byx1/" '
             'target="_blank">Sandbags are going up on Elm Street tonight. Stay safe, neighbours.</a></p>'
             '<p>A post shared by <a href="https://www.instagram.com/millbrookfire/">Millbrook Fire Dept</a> '
             '(@millbrookfire) on <time datetime="2022-09-13T23:10:00+00:00">Sep 13, 2022 at 4:10pm PDT</time></p>'
             '</div></blockquote><script async src="//www.instagram.com/embed.js"></script>')


def test_an_instagram_post_is_kept_without_its_button():
    ex = extract_html(page(inside=INSTAGRAM), "https://ledger.example.com/news/flood-barrier")
    assert_story_kept(ex.blocks)
    assert "Sandbags are going up on Elm Street tonight. Stay safe, neighbours." in ex.blocks
    assert "View this post on Instagram" not in ex.text


def test_a_short_line_is_a_posts_only_where_the_post_goes_on():
    """A post written line by line ("on. meth. dot. com." / "meth." / "we're. on. it.") keeps its short lines; the
    same short words elsewhere ("+1", a menu's "Browns", a post's first word out of turn) are not the post's."""
    posts = [fold_text("on. meth. dot. com. meth. we're. on. it. — tall glass (@_orabora) November 19, 2019"),
             fold_text("#Browns Greedy Williams has been solid in run support and tackling so far this season.")]
    read = [0, 0]
    assert not _post_line(fold_text("meth."), posts, read)  # a short word before its post began
    assert not _post_line(fold_text("Browns"), posts, read)
    assert not _post_line(fold_text("+1"), posts, read)
    assert _post_line(fold_text("on. meth. dot. com."), posts, read)
    assert _post_line(fold_text("meth."), posts, read)
    assert _post_line(fold_text("we're. on. it."), posts, read)
    assert not _post_line(fold_text("+1"), posts, read)
    assert _post_line(fold_text("#Browns Greedy Williams has been solid in run support"), posts, read)


def test_the_embeds_put_back_are_posts_kept_out_of_the_metadata():
    # one list per purpose, but a post whose text is put back is always one whose names and dates are not the page's
    from dedup.text import embeds, quotedposts
    assert set(embeds.EMBED_CLASSES) <= quotedposts.EMBED_CLASSES
