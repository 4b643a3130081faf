"""Keyboard-only use (WCAG 2.1.1): the skip link comes first, logging in and switching the
language need no mouse, and a failed login is announced and keeps what was typed."""

import re

import pytest
from playwright.sync_api import expect

from .browser import DEMO_PASSWORD, DEMO_USERS, LOGIN_PATH, SKIP_LINK, focused, tab_until

pytestmark = pytest.mark.e2e


def has_id(element_id: str):
    return lambda info: info.get("id") == element_id


def switches_to_english(info: dict) -> bool:
    """The language switch control for English: a link or button marked or labelled English."""
    if info.get("tag") not in {"a", "button", "input"}:
        return False
    if "en" in {info.get("lang"), info.get("hreflang"), info.get("value")}:
        return True
    return bool(re.fullmatch(r"(English|EN)", info.get("text", "").strip(), re.I))


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

    tab_until(page, switches_to_english)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name=SKIP_LINK)).to_have_text(re.compile("Skip to content"))
    expect(page.locator("main")).to_contain_text(re.compile(r"Member number\D{0,20}\b37\b"))


def test_wrong_password_is_announced_and_keeps_the_email(page, live_server):
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
