"""Keyboard-only use (WCAG 2.1.1, 2.4.1, 3.3.1): the skip link comes first, logging in and
switching the language need no mouse, and a failed login is announced, keeps what was typed and
links from its error summary to the fields."""

import re

import pytest
from playwright.sync_api import expect

from .browser import (
    DEMO_PASSWORD,
    DEMO_USERS,
    LOGIN_PATH,
    SKIP_LINK,
    check_page,
    focused,
    tab_until,
    watch_browser_errors,
)

pytestmark = pytest.mark.e2e


def has_id(element_id: str):
    return lambda info: info.get("id") == element_id


def switches_to(language: str, name: str):
    """Matches the language switch control for `language`: marked with it, or labelled `name`."""

    def matches(info: dict) -> bool:
        if info.get("tag") not in {"a", "button", "input"}:
            return False
        if language in {info.get("lang"), info.get("hreflang"), info.get("value")}:
            return True
        return info.get("text", "").strip().casefold() == name.casefold()

    return matches


def type_login(page, email: str, password: str) -> None:
    """From the top of the login page: skip link, then the fields by Tab, then Enter."""
    page.keyboard.press("Tab")
    first = focused(page)
    assert SKIP_LINK.search(first.get("text", "")), f"the first Tab focuses {first}"
    page.keyboard.press("Enter")  # follow the skip link to the main content
    tab_until(page, has_id("email"), max_presses=5)
    page.keyboard.type(email)
    tab_until(page, has_id("password"), max_presses=3)
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_partner_admin_logs_in_and_switches_language_by_keyboard(page, live_server):
    page.goto(LOGIN_PATH)
    type_login(page, DEMO_USERS["partner_admin"], DEMO_PASSWORD)

    expect(page.locator("h1")).to_contain_text("Kreis Minden-Lübbecke")
    expect(page.locator("main")).to_contain_text(re.compile(r"Mitgliedsnummer\D{0,20}\b37\b"))
    expect(page.locator("html")).to_have_attribute("lang", "de")

    tab_until(page, switches_to("en", "English"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name=SKIP_LINK)).to_have_text(
        re.compile("Skip to (main )?content")
    )
    expect(page.locator("h1")).to_contain_text("Kreis Minden-Lübbecke")
    expect(page.locator("main")).to_contain_text(re.compile(r"Member number\D{0,20}\b37\b"))

    # And back: the choice is stored in the account, so later tests find German again.
    tab_until(page, switches_to("de", "Deutsch"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "de")


def test_wrong_password_is_announced_and_keeps_the_email(page, live_server):
    browser_errors = watch_browser_errors(page)
    email = DEMO_USERS["partner_editor"]
    page.goto(LOGIN_PATH)
    type_login(page, email, "Falsches-Passwort-1")

    summary = page.get_by_role("alert").filter(has_text=re.compile("Passwort|password", re.I))
    focus = page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return "";
            return (el.closest("[role=alert], [aria-live]") || el).innerText || "";
        }"""
    )
    announced = summary.count() > 0 and summary.first.is_visible()
    assert announced or re.search("Passwort|password", focus, re.I), (
        "the failed login is neither announced (role=alert) nor focused; focus is on "
        f"{focused(page)}"
    )
    expect(page.locator("#email")).to_have_value(email)
    expect(page.locator("#password")).to_have_value("")
    problems = check_page(page, "login page after a wrong password", browser_errors)
    assert not problems, "\n".join(problems)


def test_error_summary_links_lead_to_the_fields(page, live_server):
    browser_errors = watch_browser_errors(page)
    page.goto(LOGIN_PATH)
    type_login(page, "", "")  # submit the empty form

    summary = page.get_by_role("alert")
    expect(summary.first).to_be_visible()
    expect(summary.locator('a[href="#email"]')).to_have_count(1)
    problems = check_page(page, "login page after an empty submit", browser_errors)
    assert not problems, "\n".join(problems)

    page.locator("body").focus()
    tab_until(page, lambda info: info.get("href") == "#email")
    page.keyboard.press("Enter")
    assert focused(page).get("id") == "email", f"the summary link focuses {focused(page)}"
