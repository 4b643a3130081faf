"""The partner admin of Kreis Minden-Lübbecke amends the approved concept in the browser: the new
version keeps three measures, "check your answers" finds a gap, its link leads to the field, the
gap is filled and the concept submitted — with axe-core on every page, and once more with
JavaScript switched off. Autosave saves typed text without a click.

Selectors name forms and fields by their addresses and ids, not by their words, so the tests do
not depend on the translations."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .browser import DEMO_USERS, check_page, log_in, watch_browser_errors

pytestmark = pytest.mark.e2e

KEEP_MEASURES = 3


class Flow:
    """A page plus the problems axe and the browser found so far."""

    def __init__(self, page, with_axe: bool):
        self.page = page
        self.with_axe = with_axe
        self.errors = watch_browser_errors(page)
        self.problems: list[str] = []

    def check(self, where: str) -> None:
        if self.with_axe:
            self.problems += check_page(self.page, where, self.errors)
        else:
            expect(self.page.locator("h1")).to_have_count(1)

    def click_and_wait(self, locator) -> None:
        with self.page.expect_navigation():
            locator.click()


def organisation_path(page) -> str:
    path = urlsplit(page.url).path
    assert re.fullmatch(r"/organisationen/\d+", path), f"landing page is {page.url}"
    return path


def amend(flow: Flow) -> None:
    page = flow.page
    page.goto(organisation_path(page) + "/konzept")
    flow.check("concept overview")
    flow.click_and_wait(page.locator("form[action$='/konzept/aendern'] button"))
    expect(page).to_have_url(re.compile(r"/konzepte/\d+/bearbeiten$"))
    flow.check("edit page of the new version")


def measure_links(page):
    return page.locator(".kern-task-list__item a.kern-task-list__content-wrapper")


def partner_amends_checks_and_submits(flow: Flow, portal) -> None:
    page = flow.page
    amend(flow)
    edit_url = page.url

    # The sections: add a sentence to the goals and save.
    page.locator("#goals").fill("Die Vielfalt der Bevölkerung soll sich in der Belegschaft zeigen.")
    flow.click_and_wait(page.locator("form[action$='/bearbeiten'] .kern-btn-wrapper button").first)
    expect(page.locator("#goals")).to_have_value(re.compile("Belegschaft zeigen"))

    # Keep three measures: remove the last ones, each after the confirmation page.
    first_removal = True
    while measure_links(page).count() > KEEP_MEASURES:
        flow.click_and_wait(page.locator("form[action$='/entfernen'] button").last)
        if first_removal:
            flow.check("confirm removing a measure")
            first_removal = False
        flow.click_and_wait(page.locator("main form[action$='/entfernen'] button"))
        expect(page).to_have_url(re.compile(r"/bearbeiten#measures$"))
    expect(measure_links(page)).to_have_count(KEEP_MEASURES)

    # Fill in what the copied measures lack, leaving one gap: the target year of measure 2.
    for index in range(KEEP_MEASURES):
        flow.click_and_wait(measure_links(page).nth(index))
        if index == 0:
            flow.check("edit a measure")
        page.locator("#target_value").fill("25,5")
        page.locator("#start_date").fill("2025-02-01")
        if index == 0:
            # A typo is explained at the field; what was typed stays.
            page.locator("#target_year").fill("20x7")
            flow.click_and_wait(page.locator("main form button").first)
            expect(page.locator("#target_year-error")).to_be_visible()
            expect(page.locator("#target_value")).to_have_value("25,5")
            flow.check("measure with an invalid target year")
        if index != 1:
            page.locator("#target_year").fill("2027")
        flow.click_and_wait(page.locator("main form button").first)
        expect(page).to_have_url(re.compile(r"/bearbeiten#item-[0-9a-f]+$"))
    flow.check("edit page with three measures")

    # Check your answers: exactly the one gap, linked to the field.
    flow.click_and_wait(page.locator("main a[href$='/pruefen']").last)
    flow.check("check your answers with a gap")
    gaps = page.locator("#missing-answers a")
    expect(gaps).to_have_count(1)
    expect(gaps).to_have_attribute("href", re.compile(r"/massnahmen/\d+#target_year$"))
    expect(page.locator("form[action$='/einreichen']")).to_have_count(0)
    flow.click_and_wait(gaps)
    expect(page).to_have_url(re.compile(r"#target_year$"))
    expect(page.locator("#target_year")).to_be_in_viewport()
    page.locator("#target_year").fill("2028")
    flow.click_and_wait(page.locator("main form button[name='then'][value='check']"))

    expect(page).to_have_url(re.compile(r"/konzepte/\d+/pruefen$"))
    expect(page.locator("#missing-answers")).to_have_count(0)
    flow.check("check your answers, complete")
    flow.click_and_wait(page.locator("form[action$='/einreichen'] button"))
    expect(page).to_have_url(re.compile(r"/organisationen/\d+/konzept$"))
    expect(page.locator("main")).to_contain_text(re.compile("Eingereicht|Submitted"))
    expect(page.locator("form[action$='/zurueckziehen']")).to_have_count(1)
    flow.check("concept page after submitting")

    # The submitted version, read-only with the comment form; the history; the print view.
    flow.click_and_wait(page.locator("#working-heading ~ ul a[href*='/konzepte/']").last)
    expect(page.locator("form[action$='/kommentare']")).to_have_count(1)
    flow.check("submitted version")
    flow.click_and_wait(page.locator("main a[href$='/verlauf']").first)
    expect(page.locator("#events-caption")).to_have_count(1)
    flow.check("history")
    page.goto(re.sub(r"/bearbeiten$", "/druck", edit_url))
    expect(page.locator("nav.portal-nav")).to_have_count(0)
    flow.check("print view")
    assert edit_url.startswith(portal.url)

    portal.deliver()
    assert any("pruefung@example.org" in mail for mail in portal.mails())


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_partner_admin_amends_checks_and_submits(new_page, fresh_portal, javascript):
    page = new_page(base_url=fresh_portal.url, java_script_enabled=javascript)
    # axe-core runs inside the page, so it needs JavaScript; without it the pages are the same.
    flow = Flow(page, with_axe=javascript)
    log_in(page, fresh_portal.url, DEMO_USERS["partner_admin"])
    partner_amends_checks_and_submits(flow, fresh_portal)
    assert flow.problems == [], "\n".join(flow.problems)


def test_autosave_keeps_typed_text_without_a_click(new_page, fresh_portal):
    page = new_page(base_url=fresh_portal.url)
    flow = Flow(page, with_axe=True)
    log_in(page, fresh_portal.url, DEMO_USERS["partner_admin"])
    amend(flow)
    status = page.locator("[data-autosave-status]")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_text("")

    page.locator("#steering").fill("Automatisch gesichert: Steuerungsgruppe tagt monatlich.")
    page.keyboard.press("Tab")  # leaving the field saves it
    expect(status).to_have_text(re.compile(r"\d{1,2}:\d{2}"))
    flow.check("edit page after autosave")

    page.reload()
    expect(page.locator("#steering")).to_have_value(re.compile("Steuerungsgruppe tagt monatlich"))
    # A manual save after the autosave carries the new lock_version: no conflict with oneself.
    page.locator("#goals").fill("Neue Ziele")
    flow.click_and_wait(page.locator("form[action$='/bearbeiten'] .kern-btn-wrapper button").first)
    expect(page.locator("#conflict")).to_have_count(0)
    expect(page.locator("#goals")).to_have_value("Neue Ziele")
    assert flow.problems == [], "\n".join(flow.problems)
