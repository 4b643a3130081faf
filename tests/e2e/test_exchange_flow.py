"""The members' area in the browser: a partner admin finds peers through the directory's filters
and the "find peers" list, and opens a good-practice entry — with axe on every page, and the
same with JavaScript disabled (the filters are plain GET forms; axe needs JavaScript, so it
checks the first run)."""

import re

import pytest
from playwright.sync_api import expect

from .browser import check_page, log_in, watch_browser_errors

pytestmark = pytest.mark.e2e

MINDEN_ADMIN = "integration@minden-luebbecke.example.org"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_find_a_peer_and_a_good_practice_entry(new_page, live_server, javascript):
    page = new_page(java_script_enabled=javascript)
    errors = watch_browser_errors(page)
    problems: list[str] = []

    def check(where: str) -> None:
        # axe runs as a script in the page: it can only check with JavaScript on; the pages are
        # the same server-rendered HTML either way.
        if javascript:
            problems.extend(check_page(page, where, errors))

    log_in(page, live_server, MINDEN_ADMIN)

    page.locator(".portal-nav a[href='/austausch']").click()
    expect(page).to_have_url(live_server + "/austausch")
    check("exchange hub")

    # The own directory page lists partners with measures in the same fields of action.
    page.locator("main a[href^='/austausch/verzeichnis/']").click()
    expect(page.locator("h1")).to_have_text("Kreis Minden-Lübbecke")
    peers = page.locator("#peers + p + ul a")
    expect(peers.first).to_be_visible()
    check("own directory page with peers")

    # The directory, narrowed by field of action and Regierungsbezirk.
    page.goto(live_server + "/austausch/verzeichnis")
    page.locator("select[name=field_of_action]").select_option(label="Mehrsprachigkeit")
    page.locator("select[name=regierungsbezirk]").select_option("Düsseldorf")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"field_of_action=\d+"))
    results = page.locator(".portal-entry h3 a")
    expect(results.first).to_be_visible()
    check("directory with filters")
    peer_name = results.first.inner_text()
    results.first.click()
    expect(page.locator("h1")).to_have_text(peer_name)
    expect(page.get_by_text("Mehrsprachigkeit").first).to_be_visible()
    check("a peer's directory page")

    # The library, one entry with its results and contact.
    page.goto(live_server + "/austausch/praxisbeispiele")
    check("good-practice library")
    page.locator("select[name=field_of_action]").select_option(label="Mehrsprachigkeit")
    page.locator("main form button[type=submit]").click()
    entry = page.locator(".portal-entry h3 a").first
    title = entry.inner_text()
    entry.click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("main a[href^='/austausch/verzeichnis/']")).to_be_visible()
    check("good-practice entry")

    assert not problems, "\n".join(problems)
