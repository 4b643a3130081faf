"""Plain text that users typed, made into safe HTML: paragraphs, line breaks, quotes and links.

`paragraphs(text)` is the only way user text with structure reaches a page. Every piece of the
user's text goes through `markupsafe.escape`; the only tags in the result are the ones built here
(`<p>`, `<br>`, `<blockquote>` and `<a href rel class>` for http and https addresses), so no HTML
a user typed is ever interpreted by the browser."""

import re

from markupsafe import Markup, escape

# An http(s) address runs until white space, an angle bracket or a quote: in running text a
# quote or bracket closes the address rather than belonging to it.
_URL = re.compile(r"""https?://[^\s<>"'/][^\s<>"']*""", re.IGNORECASE)
# Punctuation that ends a sentence rather than an address ("see https://example.org.").
_TRAILING = ".,;:!?"
# Quotes inside quotes beyond this depth are shown as text, so no input can recurse deeply.
_MAX_QUOTE_DEPTH = 4


def paragraphs(text: str | None) -> Markup:
    """Blank-line separated blocks become `<p>`, single newlines `<br>`, lines starting with
    `>` a `<blockquote>`, and http(s) addresses links. Everything else is escaped."""
    return Markup(_blocks(_normalise(text), depth=0))


def _normalise(text: str | None) -> str:
    if not text:
        return ""
    return str(text).replace("\r\n", "\n").replace("\r", "\n")


def _blocks(text: str, depth: int) -> str:
    html = []
    for block in _split_blocks(text):
        for is_quote, lines in _runs(block, depth):
            if is_quote:
                inner = "\n".join(_unquote(line) for line in lines)
                html.append(f"<blockquote>{_blocks(inner, depth + 1)}</blockquote>")
            else:
                html.append("<p>" + "<br>\n".join(_inline(line) for line in lines) + "</p>")
    return "\n".join(html)


def _split_blocks(text: str) -> list[list[str]]:
    """Lines grouped into blocks; a line of only white space separates blocks."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _is_quote(line: str) -> bool:
    return line.lstrip().startswith(">")


def _runs(lines: list[str], depth: int) -> list[tuple[bool, list[str]]]:
    """Consecutive quoted and unquoted lines of a block, in order."""
    runs: list[tuple[bool, list[str]]] = []
    for line in lines:
        quoted = depth < _MAX_QUOTE_DEPTH and _is_quote(line)
        if runs and runs[-1][0] == quoted:
            runs[-1][1].append(line)
        else:
            runs.append((quoted, [line]))
    return runs


def _unquote(line: str) -> str:
    """The line without its quote marker `>` and the one space after it."""
    line = line.lstrip()[1:]
    return line[1:] if line.startswith(" ") else line


def _inline(line: str) -> str:
    """One line: escaped text with its http(s) addresses as links."""
    parts = []
    position = 0
    for match in _URL.finditer(line):
        url = _trim(match.group(0))
        if not _URL.fullmatch(url):
            continue  # only punctuation after "https://": text, not an address
        parts.append(str(escape(line[position : match.start()])))
        parts.append(_link(url))
        position = match.start() + len(url)
    parts.append(str(escape(line[position:])))
    return "".join(parts)


def _trim(url: str) -> str:
    """Without punctuation that ends the sentence, or a closing bracket that closes one opened
    before the address."""
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    return url


def _link(url: str) -> str:
    escaped = escape(url)
    return f'<a href="{escaped}" rel="nofollow noopener" class="kern-link">{escaped}</a>'
