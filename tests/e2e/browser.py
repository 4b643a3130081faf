"""Helpers for the real-browser tests: Debian's Chromium, the demo logins, keyboard navigation,
and the crawler that finds every page a user reaches by following links."""

import os
import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

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
SKIP_LINK = re.compile(r"Zum (Haupt)?inhalt springen|Skip to (main )?content", re.I)

# axe-core: the WCAG 2.0 and 2.1 rules of levels A and AA (BITV 2.0 asks for 2.1 AA).
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
axe = Axe()

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


def watch_browser_errors(page) -> list[str]:
    """A list that fills with the page's CSP violations and uncaught script errors."""
    errors: list[str] = []

    def on_console(message) -> None:
        if "Content Security Policy" in message.text:
            errors.append(f"CSP violation: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
    return errors


def check_page(page, where: str, browser_errors: list[str] | None = None) -> list[str]:
    """Problems on the page currently shown: axe-core violations, not exactly one h1, no page
    language, and the browser errors (CSP, script) collected so far, which it consumes."""
    problems = []
    headings = page.locator("h1").count()
    if headings != 1:
        problems.append(f"{where}: {headings} h1 elements, expected exactly one")
    if not page.evaluate("() => document.documentElement.lang"):
        problems.append(f"{where}: <html> has no lang attribute")

    for violation in axe.run(page, options=AXE_OPTIONS).response["violations"]:
        targets = ", ".join(_selector(node["target"]) for node in violation["nodes"][:5])
        if len(violation["nodes"]) > 5:
            targets += f", … ({len(violation['nodes'])} elements)"
        problems.append(
            f"{where}: axe {violation['id']} ({violation['impact']}): {violation['help']}"
            f"\n    at {targets}\n    {violation['helpUrl']}"
        )

    if browser_errors:
        problems += [f"{where}: {error}" for error in browser_errors]
        browser_errors.clear()
    return problems


def _selector(target) -> str:
    """axe's target: a list of selectors, nested for elements inside frames or shadow roots."""
    if isinstance(target, str):
        return target
    return " >> ".join(_selector(part) for part in target)


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
