"""portal/text.py: plain text of users as safe HTML (paragraphs, line breaks, quotes, links)."""

import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from portal.text import paragraphs

LINK_ATTRIBUTES = 'rel="nofollow noopener" class="kern-link"'
# Exactly the tags paragraphs() writes; anything else in the output came from the user.
GENERATED_TAGS = re.compile(
    r'<p>|</p>|<br>|<blockquote>|</blockquote>|</a>|<a href="[^"<>]*" '
    + re.escape(LINK_ATTRIBUTES)
    + ">"
)


def test_paragraphs_line_breaks_and_quotes():
    html = paragraphs("Erster Absatz\nzweite Zeile\n\n> Zitat\n> weiter\nAntwort\n\n\n\nEnde")
    assert isinstance(html, Markup)
    assert html == (
        "<p>Erster Absatz<br>\nzweite Zeile</p>\n"
        "<blockquote><p>Zitat<br>\nweiter</p></blockquote>\n"
        "<p>Antwort</p>\n"
        "<p>Ende</p>"
    )


def test_windows_line_ends_and_blank_lines_of_spaces():
    assert paragraphs("a\r\nb\r\n   \r\nc") == "<p>a<br>\nb</p>\n<p>c</p>"


def test_empty_text_is_empty():
    assert paragraphs("") == ""
    assert paragraphs(None) == ""
    assert paragraphs("  \n\n ") == ""


def test_nested_quotes_and_a_blank_line_inside_a_quote():
    html = paragraphs("> > alt\n>\n> neu")
    assert html == ("<blockquote><blockquote><p>alt</p></blockquote>\n<p>neu</p></blockquote>")


def test_deep_quotes_stop_nesting():
    html = paragraphs(">" * 5000 + " tief")
    assert html.count("<blockquote>") == 4
    assert "&gt;" * 10 in html


def test_links_are_clickable_and_escaped():
    html = paragraphs('Siehe https://example.org/a?b=1&c=2 und "http://x.de/p".')
    assert (
        '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener" class="kern-link">'
        "https://example.org/a?b=1&amp;c=2</a>" in html
    )
    # The quote ends the address; the sentence's full stop is not part of it.
    assert '&#34;<a href="http://x.de/p" ' in html
    assert "http://x.de/p</a>&#34;." in html


def test_trailing_punctuation_and_brackets():
    html = paragraphs("(siehe https://de.wikipedia.org/wiki/Köln_(Begriff)). Und https://a.de!")
    assert 'href="https://de.wikipedia.org/wiki/Köln_(Begriff)"' in html
    assert "</a>). Und" in html
    assert 'href="https://a.de"' in html


def test_a_quote_inside_an_address_cannot_break_out_of_the_attribute():
    html = paragraphs('https://example.org/"><svg onload=alert(1)>')
    assert 'href="https://example.org/"' in html
    assert "<svg" not in html
    assert "&lt;svg onload=alert(1)&gt;" in html
    html = paragraphs("https://example.org/'onmouseover='alert(1)")
    assert '<a href="https://example.org/" ' in html
    assert "&#39;onmouseover=&#39;alert(1)" in html


def test_html_of_users_is_escaped():
    html = paragraphs('<script>alert(1)</script>\n<img src=x onerror="alert(1)">\n"><svg onload=x>')
    assert "<script" not in html and "<img" not in html and "<svg" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html


def test_only_http_and_https_become_links():
    html = paragraphs("javascript:alert(1) data:text/html,x ftp://x.de JAVASCRIPT://x.de/%0a")
    assert "<a " not in html
    html = paragraphs("https:// und https://. und HTTPS://Example.org")
    assert html.count("<a ") == 1
    assert 'href="HTTPS://Example.org"' in html


def test_markup_given_as_input_is_escaped_too():
    # A Markup string is still the user's text: its tags are not trusted.
    assert "<b>" not in paragraphs(Markup("<b>fett</b>"))


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


# Pieces that matter for HTML and addresses, mixed with any other characters.
PIECES = st.one_of(
    st.sampled_from(
        list("<>&\"'=/: \n\t-.()?#;") + ["https://", "http://", "javascript:", "\n\n", "> "]
    ),
    st.characters(),
)
TEXT = st.lists(PIECES, max_size=60).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_no_markup_of_the_user_survives(text):
    html = str(paragraphs(text))
    # Outside the tags paragraphs() writes there is no "<" or ">" at all: all escaped.
    rest = GENERATED_TAGS.sub("", html)
    assert "<" not in rest and ">" not in rest
    parser = _Collector()
    parser.feed(html)
    parser.close()
    for tag, attributes in parser.tags:
        assert tag in {"p", "br", "blockquote", "a"}
        if tag == "a":
            assert set(attributes) == {"href", "rel", "class"}
            assert re.match(r"https?://", attributes["href"], re.IGNORECASE)
            assert attributes["rel"] == "nofollow noopener"


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_every_character_of_the_text_is_shown(text):
    # Quote markers at the start of a line become <blockquote>; all other text is kept.
    if any(line.lstrip().startswith(">") for line in text.replace("\r", "\n").split("\n")):
        return
    parser = _Collector()
    parser.feed(str(paragraphs(text)))
    parser.close()
    shown = "".join(parser.text)
    assert "".join(shown.split()) == "".join(text.split())
