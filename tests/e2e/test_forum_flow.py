"""The forum in the browser: Kreis Minden-Lübbecke starts a topic, another partner quotes and
replies, the first gets the e-mail and unfollows with its link, the reviewer hides the reply.
axe-core checks every page of the flow.

Elements are found by address and id, not by their words: the German catalog of the forum is
filled after this test was written."""

import email
import re
from email import policy

import pytest
from playwright.sync_api import expect

from .browser import DEMO_USERS, check_page, log_in, watch_browser_errors

pytestmark = pytest.mark.e2e

MINDEN = DEMO_USERS["partner_admin"]
RHEINBLICK = "kontakt@rheinblick-logistik-gmbh.example.org"
TITLE = "Mehrsprachige Stellenanzeigen: Wer hat Erfahrungen?"
OPENING = "Wir möchten Stellenanzeigen auch auf Türkisch und Arabisch veröffentlichen.\n\nWie geht ihr vor?"
REPLY = "Wir arbeiten mit unserem Sprachpool, siehe https://example.org/sprachpool."


def _mail_to(mails: list[str], recipient: str) -> list[str]:
    """The decoded text bodies of the delivered e-mails to `recipient`, oldest first."""
    bodies = []
    for raw in mails:
        message = email.message_from_string(raw, policy=policy.default)
        if message["To"] == recipient:
            bodies.append(message.get_body(preferencelist=("plain",)).get_content())
    return bodies


def _link(body: str, base_url: str, path: str) -> str:
    match = re.search(re.escape(base_url) + re.escape(path) + r"[\w./-]*", body)
    assert match, f"no {path} link in:\n{body}"
    return match.group(0)


def test_start_reply_unfollow_by_mail_and_hide(new_page, fresh_portal):
    problems = []

    # Kreis Minden-Lübbecke starts a topic (and follows it, the default).
    minden = new_page(base_url=fresh_portal.url)
    minden_errors = watch_browser_errors(minden)
    log_in(minden, fresh_portal.url, MINDEN)
    minden.goto("/austausch/forum")
    problems += check_page(minden, "forum, empty", minden_errors)
    minden.locator("main a[href='/austausch/forum/neu']").first.click()
    expect(minden).to_have_url(re.compile(r"/austausch/forum/neu$"))
    problems += check_page(minden, "start a topic", minden_errors)
    # An empty form first: the error summary names the fields.
    with minden.expect_navigation():
        minden.locator("main form.portal-form button[type=submit]").click()
    expect(minden.locator("#error-summary")).to_be_visible()
    problems += check_page(minden, "start a topic, with errors", minden_errors)
    minden.locator("#title").fill(TITLE)
    minden.locator("#field_of_action").select_option(index=1)
    minden.locator("#body").fill(OPENING)
    expect(minden.locator("#follow")).to_be_checked()
    with minden.expect_navigation():
        minden.locator("main form.portal-form button[type=submit]").click()
    expect(minden).to_have_url(re.compile(r"/austausch/forum/\d+$"))
    topic_path = re.search(r"/austausch/forum/\d+$", minden.url).group(0)
    expect(minden.locator("h1")).to_have_text(TITLE)
    expect(minden.locator("main form[action$='/nicht-mehr-folgen']")).to_be_visible()
    problems += check_page(minden, "topic after starting it", minden_errors)

    # Rheinblick Logistik finds it in the list, quotes the opening post and replies.
    rheinblick = new_page(base_url=fresh_portal.url)
    rheinblick_errors = watch_browser_errors(rheinblick)
    log_in(rheinblick, fresh_portal.url, RHEINBLICK)
    rheinblick.goto("/austausch/forum")
    problems += check_page(rheinblick, "forum with one topic", rheinblick_errors)
    rheinblick.locator(f"main a[href='{topic_path}']").click()
    problems += check_page(rheinblick, "topic as another partner", rheinblick_errors)
    rheinblick.locator("main a[href*='zitat=']").first.click()
    body = rheinblick.locator("#body")
    expect(body).to_have_value(re.compile(r"^> Wir möchten Stellenanzeigen"))
    problems += check_page(rheinblick, "topic with a quote in the reply form", rheinblick_errors)
    body.press("End")
    body.fill(body.input_value() + REPLY)
    with rheinblick.expect_navigation():
        rheinblick.locator(f"main form[action='{topic_path}/antworten'] button").click()
    reply = rheinblick.locator("main article").nth(1)
    expect(reply).to_contain_text("Wir arbeiten mit unserem Sprachpool")
    expect(reply.locator("blockquote")).to_contain_text("Wir möchten Stellenanzeigen")
    expect(reply.locator("a[href='https://example.org/sprachpool']")).to_be_visible()
    problems += check_page(rheinblick, "topic after the reply", rheinblick_errors)

    # The e-mail to Minden links to the reply and to the one-click unfollow.
    fresh_portal.deliver()
    [mail] = _mail_to(fresh_portal.mails(), MINDEN)
    assert "Wir arbeiten mit unserem Sprachpool" in mail
    post_link = _link(mail, fresh_portal.url, "/austausch/forum/beitraege/")
    reply_id = post_link.rstrip("/").rsplit("/", 1)[1]
    minden.goto(_link(mail, fresh_portal.url, "/austausch/forum/abbestellen/"))
    expect(minden.locator("main form[action$='/folgen'] button")).to_be_visible()
    problems += check_page(minden, "unfollowed by the e-mail link", minden_errors)
    minden.goto(topic_path)
    expect(minden.locator("main form[action$='/folgen']")).to_be_visible()
    expect(minden.locator("main form[action$='/nicht-mehr-folgen']")).to_have_count(0)

    # The reviewer hides the reply with a reason.
    reviewer = new_page(base_url=fresh_portal.url)
    reviewer_errors = watch_browser_errors(reviewer)
    log_in(reviewer, fresh_portal.url, DEMO_USERS["reviewer"])
    reviewer.goto(post_link)
    problems += check_page(reviewer, "topic as the reviewer", reviewer_errors)
    reviewer.locator(f"#beitrag-{reply_id} a[href$='/ausblenden']").click()
    problems += check_page(reviewer, "hide a post", reviewer_errors)
    reviewer.locator("#reason").fill("Bitte keine Links zu externen Angeboten.")
    with reviewer.expect_navigation():
        reviewer.locator("main form.portal-form button[type=submit]").click()
    hidden = reviewer.locator(f"#beitrag-{reply_id}")
    expect(hidden).to_contain_text("Bitte keine Links zu externen Angeboten.")
    expect(hidden.locator("form[action$='/einblenden']")).to_be_visible()
    problems += check_page(reviewer, "topic with a hidden post", reviewer_errors)

    # Others no longer read the reply; its author reads the reason.
    minden.reload()
    expect(minden.locator(f"#beitrag-{reply_id}")).not_to_contain_text("Sprachpool")
    problems += check_page(minden, "topic with a hidden post, as another partner", minden_errors)
    rheinblick.goto(topic_path)
    expect(rheinblick.locator(f"#beitrag-{reply_id}")).to_contain_text(
        "Bitte keine Links zu externen Angeboten."
    )
    fresh_portal.deliver()
    assert any("Bitte keine Links" in body for body in _mail_to(fresh_portal.mails(), RHEINBLICK))

    assert not problems, "\n".join(problems)
