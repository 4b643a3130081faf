"""Helpers for the real-browser tests: Debian's Chromium, the demo logins, keyboard navigation,
and the crawler that finds every page a user reaches by following links."""

import os
import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

DEMO_PASSWORD = "Vielfalt-2023!"
DEMO_USERS = {
    "admin": "admin@example.org",
    "reviewer": "pruefung@example.org",
    "partner_admin": "integration@minden-luebbecke.example.org",
    "partner_editor": "redaktion@minden-luebbecke.example.org",
}

LOGIN_PATH = "/anmelden"
EMAIL_LABEL = re.compile(r"E-Mail|Email", re.I)
PASSWORD_LABEL = re.compile(r"Passwort|Password", re.I)
LOGIN_BUTTON = re.compile(r"Anmelden|Log in", re.I)
SKIP_LINK = re.compile(r"Zum Inhalt springen|Skip to content", re.I)

# Links the crawler never follows: downloads render no page to check.
DOWNLOAD_SUFFIXES = (".csv", ".json", ".xlsx", ".pdf", ".zip", ".eml")


def require_chromium() -> str:
    """The browser binary; missing it fails under CI and skips on a developer's machine."""
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    message = f"{CHROMIUM} is missing; install Debian's browser with `apt-get install chromium`"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def log_in(page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the form like a user does and wait for the landing page."""
    page.goto(base_url + LOGIN_PATH)
    page.get_by_label(EMAIL_LABEL).fill(email)
    page.get_by_label(PASSWORD_LABEL).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name=LOGIN_BUTTON).click()
    if urlsplit(page.url).path == LOGIN_PATH:
        raise AssertionError(f"login as {email} failed; still on {page.url}")


def focused(page) -> dict:
    """What has the keyboard focus: tag, id, text, role, lang attributes, href."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el) return {};
            return {
                tag: el.tagName.toLowerCase(),
                id: el.id || "",
                text: (el.innerText || el.value || "").trim(),
                role: el.getAttribute("role") || "",
                lang: el.getAttribute("lang") || "",
                hreflang: el.getAttribute("hreflang") || "",
                name: el.getAttribute("name") || "",
                value: el.getAttribute("value") || "",
                href: el.getAttribute("href") || "",
                label: el.getAttribute("aria-label") || "",
            };
        }"""
    )


def tab_until(page, matches, max_presses: int = 60) -> dict:
    """Press Tab until the focused element satisfies `matches(focused_info)`; fail if it never
    does. Returns the focused element's description."""
    seen = []
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        info = focused(page)
        if matches(info):
            return info
        seen.append(f"{info.get('tag')}#{info.get('id')} {info.get('text', '')[:30]!r}")
    raise AssertionError(
        f"no matching element after {max_presses} Tab presses; focus visited: " + " | ".join(seen)
    )


@dataclass
class Link:
    url: str
    found_on: str


@dataclass
class Crawl:
    """Breadth-first walk over same-origin GET links.

    Pages that differ only in numbers (`/partner/3`, `/partner/4`, `?page=2`) render the same
    template, so at most `per_pattern` of them are visited."""

    base_url: str
    per_pattern: int = 2
    queue: deque = field(default_factory=deque)
    seen: set = field(default_factory=set)
    patterns: dict = field(default_factory=dict)

    def add(self, url: str, found_on: str) -> None:
        url = urldefrag(url).url
        if url in self.seen:
            return
        self.seen.add(url)
        pattern = self.pattern(url)
        if self.patterns.get(pattern, 0) >= self.per_pattern:
            return
        self.patterns[pattern] = self.patterns.get(pattern, 0) + 1
        self.queue.append(Link(url, found_on))

    def mark_visited(self, url: str) -> None:
        """A redirect's target counts as seen too."""
        self.seen.add(urldefrag(url).url)

    @staticmethod
    def pattern(url: str) -> str:
        parts = urlsplit(url)
        path = re.sub(r"\d+", "N", parts.path)
        keys = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
        return path + ("?" + "&".join(keys) if keys else "")

    def follows(self, link: dict) -> bool:
        """Whether a link (as read from the DOM by LINKS_SCRIPT) is a page to visit."""
        raw = (link["raw"] or "").strip()
        if not raw or raw.startswith("#") or link["download"] or link["noCrawl"]:
            return False
        if "nofollow" in (link["rel"] or "").lower().split():
            return False
        target = urlsplit(link["href"])
        base = urlsplit(self.base_url)
        if (target.scheme, target.netloc) != (base.scheme, base.netloc):
            return False  # other sites, mailto:, tel:, javascript:
        if target.path.startswith("/static/"):
            return False
        return not target.path.lower().endswith(DOWNLOAD_SUFFIXES)

    def next(self) -> Link | None:
        return self.queue.popleft() if self.queue else None


LINKS_SCRIPT = """() => Array.from(document.querySelectorAll("a[href]"), (a) => ({
    href: a.href,
    raw: a.getAttribute("href"),
    rel: a.getAttribute("rel") || "",
    download: a.hasAttribute("download"),
    noCrawl: a.hasAttribute("data-no-crawl"),
}))"""
