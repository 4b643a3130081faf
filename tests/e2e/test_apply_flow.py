"""Applying as a new organisation, as a visitor would: the form in the browser (first with gaps,
then complete), the confirmation link from the e-mail, the first login and the organisation page
with the next step; then the reviewer finds the new applicant."""

import email
import re
from email import policy
from urllib.parse import quote_plus, urlsplit

import pytest
from playwright.sync_api import expect

from .browser import DEMO_PASSWORD, DEMO_USERS, check_page, focused, log_in, watch_browser_errors

pytestmark = pytest.mark.e2e

ORGANISATION = "Kreis Beispielland Testverwaltung"
EMAIL = "integration@beispielland.example.org"
PASSWORD = "Vielfalt-im-Kreis-2026"


def _mail_to(mails: list[str], recipient: str) -> list[str]:
    """The decoded text bodies of the delivered e-mails to `recipient`, oldest first."""
    bodies = []
    for raw in mails:
        message = email.message_from_string(raw, policy=policy.default)
        if message["To"] == recipient:
            bodies.append(message.get_body(preferencelist=("plain",)).get_content())
    return bodies


def _link(body: str, base_url: str, path: str) -> str:
    match = re.search(re.escape(base_url) + re.escape(path) + r"[\w/-]*", body)
    assert match, f"no {path} link in:\n{body}"
    return match.group(0)


def test_a_new_organisation_applies_confirms_logs_in_and_the_reviewer_finds_it(
    new_page, fresh_portal
):
    page = new_page(base_url=fresh_portal.url)
    errors = watch_browser_errors(page)
    problems = []

    # The start page leads to the form.
    page.goto("/")
    page.locator("a[href='/bewerben']").first.click()
    expect(page).to_have_url(re.compile(r"/bewerben$"))
    problems += check_page(page, "application form", errors)

    # First attempt with gaps: a name, a wrong postcode, nothing else.
    page.locator("#organisation_name").fill(ORGANISATION)
    page.locator("#postcode").fill("123")
    page.locator("#city").fill("Beispielstadt")
    with page.expect_navigation():
        page.locator("main form.portal-form button[type=submit]").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    # portal.js moves the focus to the summary so that screen readers announce it.
    assert focused(page)["id"] == "error-summary"
    expect(page.locator("#organisation_name")).to_have_value(ORGANISATION)
    expect(page.locator("#postcode")).to_have_value("123")
    expect(page.locator("#city")).to_have_value("Beispielstadt")
    expect(page.locator("#postcode-error")).to_be_visible()
    # A link of the summary moves the focus into its field.
    summary.locator("a[href='#postcode']").click()
    assert focused(page)["id"] == "postcode"
    summary.locator("a[href='#sector-0']").click()
    assert focused(page)["id"] == "sector-0"
    problems += check_page(page, "application form with errors", errors)

    # Complete the application.
    page.locator("#sector-0").check()
    page.locator("#street").fill("Kreishausstraße 1")
    page.locator("#postcode").fill("32423")
    page.locator("#kreis").select_option("Kreis Minden-Lübbecke")
    page.locator("#website").fill("www.beispielland.example.org")
    page.locator("#employee_band-2").check()
    page.locator("#contact_name").fill("Aylin Beispiel")
    page.locator("#contact_function").fill("Integrationsbeauftragte")
    page.locator("#email").fill(EMAIL)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password_confirm").fill(PASSWORD)
    page.locator("#consent").check()
    with page.expect_navigation():
        page.locator("main form.portal-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/bewerben/gesendet$"))
    expect(page.locator("main")).to_contain_text(EMAIL)
    problems += check_page(page, "application sent", errors)
    page.locator("a[href='/bewerben/bestaetigung-erneut']").first.click()
    problems += check_page(page, "new confirmation link", errors)

    # Logging in before confirming is refused with an explanation.
    log_in_page = page.context.new_page()
    log_in_page.goto("/anmelden")
    log_in_page.locator("#email").fill(EMAIL)
    log_in_page.locator("#password").fill(PASSWORD)
    with log_in_page.expect_navigation():
        log_in_page.locator("main form button[type=submit]").click()
    expect(log_in_page.locator("#error-summary")).to_contain_text(re.compile("bestätigen|confirm"))
    log_in_page.close()

    # The confirmation e-mail, delivered as cron would.
    fresh_portal.deliver()
    [confirmation] = _mail_to(fresh_portal.mails(), EMAIL)
    page.goto(_link(confirmation, fresh_portal.url, "/bestaetigen/"))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert urlsplit(page.url).path == "/anmelden"

    log_in(page, fresh_portal.url, EMAIL, PASSWORD)
    expect(page.locator("h1")).to_contain_text(ORGANISATION)
    expect(page.locator("main")).to_contain_text(re.compile("Bewerbung|Applicant"))
    expect(page.locator("main")).to_contain_text(re.compile("Konzept|concept"))
    problems += check_page(page, "applicant's organisation page", errors)

    # The reviewer, in a browser of their own, finds the applicant and opens its page.
    reviewer = new_page(base_url=fresh_portal.url)
    log_in(reviewer, fresh_portal.url, DEMO_USERS["reviewer"], DEMO_PASSWORD)
    _open_applicant(reviewer, fresh_portal)
    expect(reviewer.locator("h1")).to_contain_text(ORGANISATION)
    expect(reviewer.locator("main")).to_contain_text("Aylin Beispiel")

    assert not problems, "\n".join(problems)


def _open_applicant(page, portal) -> None:
    """Open the applicant's page the way a reviewer would find it: the network list's search,
    the ministry dashboard, or else the link in the e-mail about the new application."""
    link = page.get_by_role("link", name=ORGANISATION, exact=True)
    response = page.goto(f"/ministerium/netzwerk?q={quote_plus(ORGANISATION)}")
    if response is not None and response.ok and link.count():
        link.first.click()
        return
    page.goto("/ministerium")
    if link.count():
        link.first.click()
        return
    [notice] = _mail_to(portal.mails(), DEMO_USERS["reviewer"])
    page.goto(_link(notice, portal.url, "/organisationen/"))
