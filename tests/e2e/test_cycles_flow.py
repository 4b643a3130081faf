"""The reviewer runs the open demo reporting cycle in the browser: the list of cycles, the form to
open one, the overview, an extension for one organisation (first refused without a reason), and
reminders with their confirmation step; axe-core on every page.

Written against the demo data of `portal.seed_reports.seed_report_history` (called by
`seed_demo`): the cycle of last year is open with a draft report for every active partner."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from .browser import DEMO_USERS, check_page, log_in, watch_browser_errors

pytestmark = pytest.mark.e2e

BASE = "/ministerium/berichtszeitraeume"
MINDEN = "Kreis Minden-Lübbecke"


def test_reviewer_extends_for_one_partner_and_sends_reminders(new_page, fresh_portal):
    year = date.today().year - 1
    page = new_page(base_url=fresh_portal.url)
    errors = watch_browser_errors(page)
    problems = []
    log_in(page, fresh_portal.url, DEMO_USERS["reviewer"])

    page.goto(BASE)
    problems += check_page(page, "cycles", errors)
    expect(page.locator("table")).to_contain_text(str(year - 2))

    # Last year's cycle exists already: the form says so, and refuses it at the field.
    page.goto(f"{BASE}/neu")
    expect(page.locator("#year-taken")).to_be_visible()
    problems += check_page(page, "open a cycle", errors)
    page.locator("main form.portal-form button[type=submit]").click()
    expect(page.locator("#year-error")).to_be_visible()
    expect(page.locator("[name=year]")).to_have_value(str(year))
    problems += check_page(page, "open a cycle, refused", errors)
    # A free year is counted first; nothing is opened until the reviewer confirms.
    page.locator("[name=year]").fill(str(year - 3))
    page.locator("main form.portal-form button[type=submit]").click()
    expect(page.locator("#partner-count")).to_contain_text(str(year - 3))
    problems += check_page(page, "open a cycle, counted", errors)

    page.goto(BASE)
    page.get_by_role("link", name=re.compile(rf"{year}$")).click()
    expect(page).to_have_url(re.compile(rf"{BASE}/{year}$"))
    minden_row = page.locator("tr", has=page.get_by_role("link", name=MINDEN, exact=True))
    expect(minden_row).to_have_attribute("data-standing", "open")
    problems += check_page(page, "overview", errors)

    # Extend for Minden-Lübbecke: without a reason first, then with one.
    new_date = date.today() + timedelta(days=45)
    form = page.locator("#extend-form")
    form.locator("[name=organisation]").select_option(label=MINDEN)
    form.locator("[name=due_on]").fill(new_date.isoformat())
    form.locator("button[type=submit]").click()
    expect(page.locator("#reason-error")).to_be_visible()
    expect(page.locator("#extend-form [name=due_on]")).to_have_value(new_date.isoformat())
    problems += check_page(page, "extension refused", errors)
    page.locator("#extend-form [name=reason]").fill("Krankheit der Integrationsbeauftragten")
    page.locator("#extend-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"{BASE}/{year}$"))
    expect(page.locator(".portal-flashes")).to_contain_text(MINDEN)
    minden_row = page.locator("tr", has=page.get_by_role("link", name=MINDEN, exact=True))
    expect(minden_row).to_contain_text("Krankheit der Integrationsbeauftragten")
    problems += check_page(page, "overview after the extension", errors)

    # Reminders: a confirmation page first, then the e-mails.
    page.locator("#remind-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"{BASE}/{year}/erinnern$"))
    problems += check_page(page, "reminder confirmation", errors)
    page.locator("main form.portal-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"{BASE}/{year}$"))
    expect(page.locator(".portal-flashes")).to_contain_text("37")
    problems += check_page(page, "overview after the reminders", errors)

    # Closing asks first; the confirmation page is checked, and nothing is closed.
    page.locator("#close-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"{BASE}/{year}/schliessen$"))
    problems += check_page(page, "close confirmation", errors)

    assert problems == [], "\n".join(problems)

    fresh_portal.deliver()
    mails = fresh_portal.mails()
    recipients = [re.search(r"^To: (.+)$", m, re.M).group(1).strip() for m in mails]
    assert len(mails) == 37
    assert "integration@minden-luebbecke.example.org" in recipients
    assert "redaktion@minden-luebbecke.example.org" not in recipients
