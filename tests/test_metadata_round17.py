"""Round 17 of the metadata rules (docs/metadata.md, issue 17): an author mark inside a readers' comment section
names a commenter, not the story's writer. The section is found by containment (the elements still open around the
mark, read backwards from it), not by the mark's place below a comments heading. Short fixtures in the shape of the
pages where the corpora showed it (zephoria.org, cbsnews.com, flowtown.com, fivecentnickel.com)."""

from __future__ import annotations

from dedup.text.metadata import page_metadata

STORY = "<p>The story's first paragraph, long enough to be read as the body of the page.</p>"


def html(body: str) -> str:
    return f"<!DOCTYPE html><html><head><title>Free speech</title></head><body>{body}</body></html>"


def authors(page: str) -> list[str]:
    return page_metadata(page, "https://blog.example/2012/09/free-speech.html", []).authors


def test_a_commenters_name_inside_a_comment_author_box_is_no_author():
    # a Movable Type theme: the commenter's name in '<span class="authorname">' inside 'comment-author'
    page = html("<h1>Free speech</h1>" + STORY
                + '<div id="comments"><h2>Comments</h2><div class="comment" id="comment-1">'
                  '<div class="comment-author"><span class="authorname">Barry Joseph</span> said:</div>'
                  '<div class="comment-body"><p>Great post.</p></div></div></div>')
    assert authors(page) == []


def test_a_comment_section_named_in_camel_case_holds_commenters():
    # cbsnews.com: '<div class="userComments">', each comment a <dl> whose <dt class="author"> names its writer
    comments = "".join(f'<dl><dt class="author"><span>by <b>reader{n}</b></span> July 24, 2012</dt>'
                       f'<dd><a class="reply">Reply to this comment</a> Some words.</dd></dl>' for n in range(3))
    page = html("<h1>Explosion levels a home</h1>" + STORY + f'<div class="userComments">{comments}</div>')
    assert authors(page) == []


def test_the_story_byline_wins_over_a_commenters_higher_mark():
    # a commenter's rel="author" link (a higher kind of mark than a byline class) inside a comment list: the story's
    # byline in a wrapper whose classes name no comment section ('article-commentary', 'no-comments') is the writer
    page = html('<div class="article-commentary no-comments"><h1>How to spot a junkie</h1>'
                '<div class="byline">by Jennifer Dancy on May 3, 2012</div>' + STORY + "</div>"
                '<ol class="commentlist"><li class="comment even depth-1"><article class="comment-body">'
                '<a rel="author" href="https://outsourcing.example/">Web Outsourcing Gateway</a>'
                "<p>Nice.</p></article></li></ol>")
    assert authors(page) == ["Jennifer Dancy"]


def test_a_comment_by_the_posts_author_names_the_writer():
    # WordPress marks the post author's own comment 'bypostauthor'; a reader's comment before it is skipped
    page = html("<h1>Maple days</h1>" + STORY
                + '<ol class="commentlist">'
                  '<li class="comment depth-1"><div class="comment-author vcard">'
                  '<span class="fn author-name">Jane Reader</span></div><p>Lovely.</p></li>'
                  '<li class="comment bypostauthor depth-1"><div class="comment-author vcard">'
                  '<span class="fn author-name">Kelly Oribine</span></div><p>Thank you!</p></li></ol>')
    assert authors(page) == ["Kelly Oribine"]


def test_a_story_meta_line_linking_to_the_comments_is_no_comment():
    # fivecentnickel.com names its post's meta box 'Comment' (it links to the comments, then holds the author box); a
    # reader's itemprop author inside the real comment list is skipped, the author box's rel="author" link is taken
    page = html('<h1>A high yield savings option</h1>' + STORY + '<div class="Comment">Published on November 5th, '
                '2012 - <a href="https://blog.example/2012/09/free-speech.html#comments">Leave a Comment</a>'
                '<div class="AboutAuthor"><p><b>About the author:</b> <a rel="author" href="/author/nickel/">'
                "Nickel Hill</a> is the founder of this site.</p></div>"
                '<div id="comments"><div class="comment-item"><span itemprop="author">Jay Saver</span>'
                "<p>Good rates.</p></div></div></div>")
    assert authors(page) == ["Nickel Hill"]


def test_comment_container_words_are_read_word_by_word():
    from dedup.text.commentsections import is_comment_container  # (here: the tests above run on a tree without it)

    for name in ("comment", "comments", "commentlist", "comment-author", "userComments", "dsq-comment-body",
                 "comment_list", "CommentList"):
        assert is_comment_container({"class": name}), name
    for name in ("commentary", "article-commentary", "no-comments", "comments-open", "comment-count",
                 "comments-link", "reply-button", "replyto"):
        assert not is_comment_container({"class": name}), name
    assert is_comment_container({"id": "comments", "class": "section"})
