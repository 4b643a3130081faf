"""Every page a demo user reaches by following links passes axe-core (WCAG 2.0 and 2.1, levels A
and AA) and a few structural checks: one h1, a page language, no CSP violations, no script errors.

The pages are found by a breadth-first crawl from each role's landing page, so pages added later
join the check by themselves; there is no list of pages to maintain. Problems are collected over
the whole crawl and reported together, one line per page and rule."""

import warnings
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError

from .browser import DEMO_USERS, LINKS_SCRIPT, LOGIN_PATH, Crawl, log_in

pytestmark = pytest.mark.e2e

ROLES = {"anonymous": None, **DEMO_USERS}
MAX_PAGES = 80  # per role; pages differing only in numbers are visited twice at most
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
NARROW_VIEWPORT = {"width": 375, "height": 812}  # a small phone; WCAG 1.4.10 reflow

axe = Axe()


@pytest.mark.parametrize("role", list(ROLES))
def test_every_reachable_page_is_accessible(role, new_page, live_server):
    page = new_page()
    browser_errors: list[str] = []
    page.on("console", lambda message: _record_csp_violation(message, browser_errors))
    page.on("pageerror", lambda error: browser_errors.append(f"script error: {error}"))

    if ROLES[role]:
        log_in(page, live_server, ROLES[role])
        landing = page.url
    else:
        landing = live_server + "/"

    problems: list[str] = []
    crawl = Crawl(live_server)
    crawl.add(landing, "(start)")
    visited = 0
    while visited < MAX_PAGES and (link := crawl.next()):
        visited += 1
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
        crawl.mark_visited(page.url)
        if ROLES[role] and urlsplit(page.url).path == LOGIN_PATH:
            problems.append(f"{where} (linked from {link.found_on}): sent to the login page")
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

    # The landing page on a phone: no horizontal scrolling, and still accessible.
    page.set_viewport_size(NARROW_VIEWPORT)
    page.goto(landing)
    where = landing.removeprefix(live_server) + " (375px wide)"
    overflow = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if overflow[0] > overflow[1]:
        problems.append(
            f"{where}: scrolls horizontally (content {overflow[0]}px, window {overflow[1]}px)"
        )
    problems += check_page(page, where, browser_errors)

    assert visited > 1, f"{role}: the crawl found no links on {landing}"
    assert not problems, (
        f"{len(problems)} problems on the {visited} pages {role} reaches:\n" + "\n".join(problems)
    )


def _record_csp_violation(message, sink: list[str]) -> None:
    if "Content Security Policy" in message.text:
        sink.append(f"CSP violation: {message.text}")


def check_page(page, where: str, browser_errors: list[str]) -> list[str]:
    """Problems on the page currently shown; consumes the browser errors collected so far."""
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

    problems += [f"{where}: {error}" for error in browser_errors]
    browser_errors.clear()
    return problems


def _selector(target) -> str:
    """axe's target: a list of selectors, nested for elements inside frames or shadow roots."""
    if isinstance(target, str):
        return target
    return " >> ".join(_selector(part) for part in target)
