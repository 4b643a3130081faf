"""The warning before the session times out: shown five minutes before the end, "Stay logged in"
renews the session, and after the end the page says so instead of losing input silently."""

import pytest
from playwright.sync_api import expect

from .browser import DEMO_USERS, check_page, log_in, watch_browser_errors

pytestmark = pytest.mark.e2e

EIGHT_HOURS = 8 * 60 * 60 * 1000


def test_warning_before_the_session_ends_and_staying_logged_in(new_page, live_server):
    page = new_page()
    errors = watch_browser_errors(page)
    page.clock.install()
    log_in(page, live_server, DEMO_USERS["partner_editor"])
    warning = page.locator("#session-warning")
    expect(warning).to_be_hidden()

    page.clock.run_for(EIGHT_HOURS - 6 * 60 * 1000)
    expect(warning).to_be_hidden()
    page.clock.run_for(2 * 60 * 1000)
    expect(warning).to_be_visible()
    expect(warning).to_have_attribute("role", "alert")
    assert check_page(page, "session warning", errors) == []

    with page.expect_response(lambda r: "/sitzung" in r.url) as keepalive:
        warning.get_by_role("button").click()
    assert keepalive.value.ok
    expect(warning).to_be_hidden()

    # The timer starts again from the renewal.
    page.clock.run_for(EIGHT_HOURS - 6 * 60 * 1000)
    expect(warning).to_be_hidden()


def test_after_the_end_the_page_offers_to_log_in_again(new_page, live_server):
    page = new_page()
    page.clock.install()
    log_in(page, live_server, DEMO_USERS["reviewer"])
    page.clock.run_for(EIGHT_HOURS + 1000)
    warning = page.locator("#session-warning")
    expect(warning).to_be_visible()
    expect(warning.get_by_role("button")).to_be_hidden()
    expect(warning.get_by_role("link")).to_have_attribute("href", "/anmelden?next=/ministerium")


def test_no_warning_for_visitors(page, live_server):
    page.goto(live_server + "/")
    assert page.locator("#session-warning").count() == 0
