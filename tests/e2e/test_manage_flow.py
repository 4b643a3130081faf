"""A partner admin manages the own organisation in the browser: edits the profile (a bad website
is explained and fixed), hides the organisation from the public list, invites a colleague, and
the colleague accepts the invitation from the e-mail link in a browser of their own.

Fields are found by their ids and messages by their place on the page, so the test holds in
German and in English; every page passes axe."""

import email
import re
from email import policy
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .browser import DEMO_USERS, check_page, log_in, watch_browser_errors

pytestmark = pytest.mark.e2e

COLLEAGUE = "aylin.demir@minden-luebbecke.example.org"
NEW_PASSWORD = "Vielfalt-im-Kreis-2024"


def _submit(page, form_selector: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit]").click()


def _invitation_link(mails: list[str], recipient: str) -> str:
    for raw in mails:
        message = email.message_from_string(raw, policy=policy.default)
        if message["To"] == recipient:
            found = re.search(r"https?://\S+/einladung/\S+", message.get_content())
            if found:
                return found.group(0)
    raise AssertionError(f"no invitation e-mail to {recipient} among {len(mails)} e-mails")


def test_partner_admin_edits_profile_hides_and_invites(fresh_portal, new_page):
    base = fresh_portal.url
    page = new_page(base_url=base)
    errors = watch_browser_errors(page)
    problems: list[str] = []

    log_in(page, base, DEMO_USERS["partner_admin"])
    organisation_path = urlsplit(page.url).path
    assert re.fullmatch(r"/organisationen/\d+", organisation_path), page.url

    # The profile: a website that is no address is explained, the typed text is kept.
    page.goto(f"{organisation_path}/profil")
    problems += check_page(page, "profile", errors)
    profile_form = 'form[action$="/profil"]'
    expect(page.locator("#internal_notes")).to_have_count(0)
    page.locator("#website").fill("unsere Seite")
    page.locator("#description").fill("Der Kreis öffnet seine Verwaltung.")
    _submit(page, profile_form)
    expect(page.locator("#website-error")).to_be_visible()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#website")).to_have_value("unsere Seite")
    expect(page.locator("#description")).to_have_value("Der Kreis öffnet seine Verwaltung.")
    problems += check_page(page, "profile with an error", errors)

    page.locator("#website").fill("www.minden-luebbecke.de")
    _submit(page, profile_form)
    expect(page.locator(".portal-flashes [role=status]")).to_have_count(1)
    expect(page.locator("#website")).to_have_value("https://www.minden-luebbecke.de")
    public_profile = page.locator('main a[href="/partner/minden-luebbecke"]')
    expect(public_profile).to_have_count(1)
    problems += check_page(page, "profile saved", errors)

    # Leave the public list: the public profile is gone, the link to it too.
    page.locator("#show_in_public_list").uncheck()
    _submit(page, profile_form)
    expect(page.locator(".portal-flashes [role=status]")).to_have_count(2)
    expect(page.locator("#show_in_public_list")).not_to_be_checked()
    expect(public_profile).to_have_count(0)
    problems += check_page(page, "profile hidden", errors)
    visitor = new_page(base_url=base)
    assert visitor.goto("/partner/minden-luebbecke").status == 404
    visitor.goto("/partner?q=Minden")
    expect(visitor.locator('main a[href="/partner/minden-luebbecke"]')).to_have_count(0)

    # Invite a colleague as editor.
    page.goto(f"{organisation_path}/zugaenge")
    problems += check_page(page, "people with access", errors)
    expect(page.locator("main table")).to_contain_text("redaktion@minden-luebbecke.example.org")
    page.locator("#name").fill("Aylin Demir")
    page.locator("#email").fill(COLLEAGUE)
    page.locator("#role-0").check()
    _submit(page, 'form[action*="/zugaenge/einladen"]')
    expect(page.locator(".portal-flashes [role=status]")).to_contain_text("Aylin Demir")
    expect(page.locator("main table")).to_contain_text(COLLEAGUE)
    problems += check_page(page, "colleague invited", errors)

    # The deactivation asks first, naming the person.
    page.locator("main tr", has_text=COLLEAGUE).locator("a[href$='/deaktivieren']").click()
    expect(page.locator("main button[type=submit]")).to_contain_text("Aylin Demir")
    problems += check_page(page, "confirm deactivation", errors)

    # The colleague opens the link from the e-mail in a browser of their own.
    fresh_portal.deliver()
    link = _invitation_link(fresh_portal.mails(), COLLEAGUE)
    colleague = new_page(base_url=base)
    colleague_errors = watch_browser_errors(colleague)
    colleague.goto(link)
    expect(colleague.locator("main")).to_contain_text(COLLEAGUE)
    problems += check_page(colleague, "accept invitation", colleague_errors)
    colleague.locator("#password").fill(NEW_PASSWORD)
    colleague.locator("#password_confirm").fill(NEW_PASSWORD)
    with colleague.expect_navigation():
        colleague.locator("main button[type=submit]").click()
    problems += check_page(colleague, "login after accepting", colleague_errors)
    log_in(colleague, base, COLLEAGUE, NEW_PASSWORD)
    assert urlsplit(colleague.url).path == organisation_path
    problems += check_page(colleague, "colleague's landing page", colleague_errors)

    # The partner admin now sees the colleague as active.
    page.goto(f"{organisation_path}/zugaenge")
    row = page.locator("main tr", has_text=COLLEAGUE)
    expect(row.locator(".kern-badge--success")).to_have_count(1)

    assert problems == [], "\n".join(problems)
