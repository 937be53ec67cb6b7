"""Round 26 (issue 12): kept lines the page writes only inside its frame (footer, navigation, side boxes) go
(dedup/text/pageframe.py, docs/extraction.md "Round 26").

Each fixture is a short page of a small site, extracted alone; the frame is named by the web's standard
vocabulary only (ARIA roles, schema.org's WebPage parts), never by a site's class names.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from test_cleaning import HEADLINE, STORY, assert_story_kept, unseen_pages

from dedup.text import extract as extract_module
from dedup.text.extract import extract_html
from dedup.text.pageframe import MAX_FRAME_ELEMENTS, PAGE_FRAME, frame_lines, raw_frames
from resiliparse.parse.html import HTMLTree

URL = "https://www.surfshop-kiel.example/artikel/neue-boards.html"
ABOUT = ("Bei uns wirst du frei nach dem Motto von Wassersportlern für Wassersportler fachkundig beraten und "
         "versorgt. Unser höchstes Ziel ist es, dich so schnell wie möglich aufs Wasser zu bringen.")
HOURS = ["Mo. bis Fr. 11:00 – 18:00 Uhr", "Mittwochs geschlossen"]
SIDE_BOX = ("Our newsroom is funded by readers like you: a membership costs less than a coffee a week and keeps "
            "local reporting free for everyone in the county.")


def page(frame: str, before: str = "", wrapper: str = "") -> str:
    """A small site's story page: the story in a plain `<div>`, `frame` after it (a shop's footer columns, a side
    box), `before` ahead of the headline; `wrapper`: attributes of a `<div>` around the story."""
    body = "".join(f"<p>{p}</p>" for p in STORY)
    return (f"<html><head><title>{HEADLINE}</title></head><body><div id='contentwrapper'>{before}"
            f"<div class='main' {wrapper}><h1>{HEADLINE}</h1>{body}</div>{frame}</div></body></html>")


def footer_columns(attributes: str) -> str:
    return (f"<div {attributes}><div class='col'><h4>Über uns</h4><p>{ABOUT}</p></div>"
            f"<div class='col'><h4>Öffnungszeiten</h4>" + "".join(f"<p>{h}</p>" for h in HOURS) + "</div></div>")


def test_a_footer_marked_as_the_pages_contentinfo_goes():
    """A shop's "about us" and opening hours in the page's footer (`role="contentinfo"`, or schema.org's WPFooter):
    resiliparse's main-content pass keeps them (main kept 'Über uns' and the paragraph); they go, the story stays."""
    for attributes in ("role='contentinfo'", "itemscope itemtype='https://schema.org/WPFooter' role='contentinfo'"):
        ex = extract_html(page(footer_columns(attributes)), URL)
        assert_story_kept(ex.blocks)
        assert ABOUT not in ex.blocks and "Über uns" not in ex.blocks, attributes
        assert PAGE_FRAME in ex.removed_reasons
        assert ABOUT in ex.removed_blocks  # removed lines still reach boilerplate/ with their reason


def test_a_side_box_goes_while_a_table_of_contents_keeps_the_story_headings():
    """A side box (`role="complementary"`, schema.org's WPSideBar) goes; a side table of contents
    (`role="navigation"`) that lists the story's own section headings takes none of them: the page holds the
    headings outside its frame too."""
    headings = ["Why the wall took three years", "What happens next"]
    body = (f"<p>{STORY[0]}</p><h2>{headings[0]}</h2><p>{STORY[1]}</p><h2>{headings[1]}</h2>"
            + "".join(f"<p>{p}</p>" for p in STORY[2:]))
    toc = "<div role='navigation'><ul>" + "".join(f"<li><a href='#s{i}'>{h}</a></li>"
                                                  for i, h in enumerate(headings)) + "</ul></div>"
    for side in ("role='complementary'", "itemscope itemtype='https://schema.org/WPSideBar'"):
        html = (f"<html><head><title>{HEADLINE}</title></head><body>{toc}<div class='main'><h1>{HEADLINE}</h1>"
                f"{body}</div><div {side}><h3>Support us</h3><p>{SIDE_BOX}</p></div></body></html>")
        ex = extract_html(html, URL)
        assert_story_kept(ex.blocks)
        assert SIDE_BOX not in ex.blocks, side
        for heading in headings:
            assert heading in ex.blocks, heading


def test_a_frame_that_holds_the_story_is_the_layout_and_is_not_read():
    """A story laid out inside a frame element (a page whose content column is its `role="complementary"` or
    its `<aside>`) keeps its story; a footer box outside it still goes."""
    for wrapper in ("role='complementary'", "itemscope itemtype='https://schema.org/WPSideBar'"):
        ex = extract_html(page(footer_columns("role='contentinfo'"), wrapper=wrapper), URL)
        assert_story_kept(ex.blocks)
        assert ABOUT not in ex.blocks, wrapper


def test_frame_lines_on_a_parsed_page():
    """The rule's own reading: a line only the frame holds, a line the frame and the content both hold, a line
    outside every frame; a page left under MIN_KEPT_CHARS loses nothing."""
    story = "The harbour board voted on Tuesday to dredge the old quay before the sailing season starts in May."
    html = (f"<html><body><main><p>{story}</p><p>Opening hours</p></main>"
            "<div role='contentinfo'><p>Opening hours</p><p>Harbour shop, Quay Street 4, open daily.</p></div>"
            "</body></html>")
    tree = HTMLTree.parse(html)
    kept = [story, "Opening hours", "Harbour shop, Quay Street 4, open daily."]
    assert frame_lines(tree, kept, html) == [2]
    assert frame_lines(tree, kept[1:], html) == []  # the frame holds half the kept text or more: the layout
    shop = "Harbour shop, Quay Street 4, open daily."
    notes = ["A first short note.", "A second short note.", "A third short note."]
    assert frame_lines(tree, [shop, *notes], html) == [0]
    assert frame_lines(tree, [shop, *notes[:2]], html) == []  # under MIN_KEPT_CHARS would be left
    assert frame_lines(tree, [], html) == []
    # nested frames count once; a page of more frame elements than any layout has (a hostile page's thousands of
    # nested `<aside>`s) is passed over

    def nested(depth: int) -> str:
        return (f"<html><body><p>{story}</p>" + "<aside>" * depth + f"<p>{shop}</p>" + "</aside>" * depth
                + "</body></html>")
    assert frame_lines(HTMLTree.parse(nested(3)), [story, shop], nested(3)) == [1]
    too_many = nested(MAX_FRAME_ELEMENTS + 1)
    assert frame_lines(HTMLTree.parse(too_many), [story, shop], too_many) == []
    plain = "<html><body><p>No frame here at all.</p></body></html>"
    assert frame_lines(HTMLTree.parse(plain), kept, plain) == []


def test_raw_frames_reads_each_tags_elements_in_order():
    """The frames' raw markup (speed round 16 finds every tag's starts in one pass): each tag's elements in the
    order `FRAME_TAGS` names them, a start tag inside an element of its own name (up to that one's end tag) starts
    nothing, a tag's name starts longer names (`<navbar`), an element without an end tag runs to the page's end,
    and a role or schema.org mark adds the page from its first one on."""
    html = "<p>a</p><nav>N1<nav>inner</nav>N1b</nav><footer>F1</footer><navbar>NB</navbar><aside>A1"
    assert raw_frames(html) == "<footer>F1\n<nav>N1<nav>inner\n<navbar>NB\n<aside>A1"
    marked = "<div role='complementary'>x</div><aside>y</aside>"
    assert raw_frames(marked) == "<aside>y\ncomplementary'>x</div><aside>y</aside>"
    assert raw_frames("<p>role: complementary? no frame</p>".replace("role", "rôle")) == ""


def test_a_real_unseen_shop_page_loses_its_footer():
    """trafilatura-eval (half A of the text26 split): pointofsail-kiel.de kept its footer's "about us" box (a
    `without` snippet) and opening hours; they go, every `with` snippet stays. Skipped without ../shared."""
    for prefix, note, ex, text in unseen_pages(["http://www.pointofsail-kiel.de/artikel/ben-wilson-surf"]):
        assert "Bei uns wirst du frei nach dem Motto" not in text
        assert PAGE_FRAME in ex.removed_reasons
        for snippet in note["with"]:
            assert " ".join(snippet.split()) in text, (prefix, snippet)


_WORDS = st.sampled_from("harbour county wall flood board meeting route summer shop hours quay street open "
                         "daily members coffee reporting".split())
_PARAGRAPH = st.lists(_WORDS, min_size=2, max_size=14).map(lambda ws: " ".join(ws).capitalize() + ".")
_REGION = st.sampled_from(["", "role='contentinfo'", "role='complementary'", "role='navigation'",
                           "itemtype='https://schema.org/WPSideBar'"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(_PARAGRAPH, _REGION), min_size=1, max_size=8))
def test_the_rule_never_invents_text_and_only_takes_lines(boxes):
    """Property: with the rule the page's kept lines are those kept without it, in order, less some (never a
    line added, changed or moved), and every removed line is recorded with its reason."""
    body = "".join(f"<div {region}><p>{text}</p></div>" for text, region in boxes)
    html = (f"<html><head><title>{HEADLINE}</title></head><body><div class='main'><h1>{HEADLINE}</h1>"
            + "".join(f"<p>{p}</p>" for p in STORY) + f"</div>{body}</body></html>")
    with_rule = extract_html(html, URL)
    original = extract_module.frame_lines
    extract_module.frame_lines = lambda tree, kept, html, judged=None: []
    try:
        without = extract_html(html, URL)
    finally:
        extract_module.frame_lines = original
    lines = iter(without.blocks)
    assert all(any(line == other for other in lines) for line in with_rule.blocks)  # a subsequence
    gone = with_rule.removed_reasons.count(PAGE_FRAME)
    assert len(without.blocks) - len(with_rule.blocks) == gone
