"""Every page a demo user reaches by following links passes axe-core (WCAG 2.0 and 2.1, levels A
and AA) and a few structural checks: HTTP status, one h1, a page language, no CSP violation, no
script error; the landing page also on a 375 px wide phone screen.

The pages are found by a breadth-first crawl from each role's landing page, so pages added later
join the check by themselves; there is no list of pages to maintain. Problems are collected over
the whole crawl and reported together, one entry per page and rule."""

import re
import warnings
from urllib.parse import urldefrag, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from .browser import (
    DEMO_USERS,
    LINKS_SCRIPT,
    LOGIN_PATH,
    Crawl,
    check_page,
    log_in,
    watch_browser_errors,
)

pytestmark = pytest.mark.e2e

# role -> (demo login or None for a visitor, UI language)
ROLES = {
    "anonymous": (None, "de"),
    "anonymous_en": (None, "en"),
    **{role: (email, "de") for role, email in DEMO_USERS.items()},
}
MAX_PAGES = 140  # per role; pages differing only in numbers are visited twice at most
NARROW_VIEWPORT = {"width": 375, "height": 812}  # a small phone; WCAG 1.4.10 reflow
UNKNOWN_PATH = "/diese-seite-gibt-es-nicht"

# Page width, window width, and the outermost elements that stick out on the right.
OVERFLOW_SCRIPT = """() => {
    const limit = window.innerWidth;
    const sticksOut = (el) => el && el.getBoundingClientRect().right > limit + 0.5;
    const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + Array.from(el.classList, (name) => "." + name).join("")
        + ` (${Math.round(el.getBoundingClientRect().right)}px)`;
    const culprits = Array.from(document.body.querySelectorAll("*"))
        .filter((el) => sticksOut(el) && !sticksOut(el.parentElement))
        .slice(0, 5)
        .map(describe);
    return [document.documentElement.scrollWidth, limit, culprits];
}"""


@pytest.mark.parametrize("role", list(ROLES))
def test_every_reachable_page_is_accessible(role, new_page, live_server):
    email, language = ROLES[role]
    page = new_page()
    browser_errors = watch_browser_errors(page)
    if email:
        log_in(page, live_server, email)
        landing = page.url
    else:
        landing = live_server + "/"
        if language != "de":
            page.goto(landing)
            with page.expect_navigation():
                page.get_by_role("button", name=re.compile("English")).click()
    problems: list[str] = []

    crawl = Crawl(live_server)
    crawl.add(landing, "(start)")
    checked: set[str] = set()
    while len(checked) < MAX_PAGES and (link := crawl.next()):
        where = link.url.removeprefix(live_server)
        try:
            response = page.goto(link.url)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # a file served as an attachment, not a page
            raise
        if response is None or response.status >= 400:
            status = response.status if response else "no response"
            problems.append(f"{where} (linked from {link.found_on}): HTTP {status}")
            browser_errors.clear()
            continue
        final_url = urldefrag(page.url).url
        crawl.mark_visited(final_url)
        if final_url in checked:
            continue  # a redirect to a page checked already
        checked.add(final_url)
        print(f"{role}: {where} -> {final_url.removeprefix(live_server)}")  # shown on failure
        if email and urlsplit(final_url).path == LOGIN_PATH:
            problems.append(f"{where} (linked from {link.found_on}): sent to the login page")
        if page.evaluate("() => document.documentElement.lang") != language:
            problems.append(f"{where}: the page is not in the chosen language {language!r}")
        problems += check_page(page, where, browser_errors)
        for found in page.evaluate(LINKS_SCRIPT):
            if crawl.follows(found):
                crawl.add(found["href"], where)

    if crawl.queue:
        warnings.warn(
            f"{role}: crawl stopped after {MAX_PAGES} pages; "
            f"{len(crawl.queue)} linked pages were not checked",
            stacklevel=1,
        )

    if not email:
        # The error page a mistyped address shows.
        response = page.goto(live_server + UNKNOWN_PATH)
        if response.status != 404:
            problems.append(f"{UNKNOWN_PATH}: HTTP {response.status}, expected 404")
        problems += check_page(page, f"{UNKNOWN_PATH} (404 page)", browser_errors)

    # The landing page on a phone: no horizontal scrolling, and still accessible.
    page.set_viewport_size(NARROW_VIEWPORT)
    page.goto(landing)
    where = landing.removeprefix(live_server) + " (375px wide)"
    width, window_width, culprits = page.evaluate(OVERFLOW_SCRIPT)
    if width > window_width:
        problems.append(
            f"{where}: scrolls horizontally (content {width}px, window {window_width}px); "
            f"too wide: {', '.join(culprits)}"
        )
    problems += check_page(page, where, browser_errors)

    assert len(checked) > 1, f"{role}: the crawl found no links on {landing}"
    assert not problems, (
        f"{len(problems)} problems on the {len(checked)} pages {role} reaches:\n"
        + "\n".join(problems)
    )
