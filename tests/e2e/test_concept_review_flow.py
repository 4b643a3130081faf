"""The ministry reviews applicants' concepts in the browser: queue, assign to self, read,
request changes with a visible comment (and note something internally), the applicant reads the
request but never the internal note, then another applicant's concept is approved and the
reviewer goes on to record the agreement. axe-core passes on every page of the flow.

Selectors use names, ids and form actions rather than words: the flow runs in German, and new
texts are German only once the catalog is updated."""

import email
import email.policy
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from .browser import DEMO_USERS, check_page, log_in, watch_browser_errors

pytestmark = pytest.mark.e2e

FIRST = "Pflegedienst Sonnenschein gGmbH"
SECOND = "Kreishandwerkerschaft Musterland"
REQUEST = "Bitte nennen Sie für jede Maßnahme einen Zielwert und ein Zieljahr."
VISIBLE = "Die Ansprache der Eltern in mehreren Sprachen gefällt uns sehr."
INTERNAL = "Intern: mit dem Referat für Pflegeberufe abstimmen."


def applicant_email(name: str) -> str:
    from portal.partners.naming import slugify

    return f"bewerbung@{slugify(name)}.example.org"


def submit_as_applicant(portal, name: str) -> None:
    """Arrange: the applicant submits its demo draft. The demo's draft still lacks answers the
    partner's form requires, so it is submitted through the workflow directly."""
    from portal import create_app
    from portal.extensions import db
    from portal.models import Concept, Organisation, User
    from portal.workflow import apply_transition

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{portal.folder}/e2e.sqlite3",
            "SECRET_KEY": "e2e",
            "MAIL_OUTBOX_FOLDER": f"{portal.folder}/outbox",
            "UPLOAD_FOLDER": f"{portal.folder}/uploads",
            "PORTAL_BASE_URL": portal.url,
        }
    )
    with app.app_context(), app.test_request_context("/"):
        organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
        concept = db.session.scalar(
            select(Concept).where(Concept.organisation_id == organisation.id)
        )
        admin = db.session.scalar(select(User).where(User.email == applicant_email(name)))
        apply_transition(concept, "submit", admin)
        db.session.remove()
        db.engine.dispose()


def read_mail(raw: bytes) -> tuple[str, str]:
    """Recipient and decoded text of an .eml file (parsed from bytes: a mostly ASCII message
    is sent as 8bit, which a str-based parser would garble)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    return message["To"], message.get_content()


def queue_row(page, name: str):
    return page.locator("tbody tr", has_text=name)


def open_review_page(page, name: str) -> str:
    """From the queue, the review page of `name`'s concept; returns its path."""
    link = queue_row(page, name).locator("a[href*='/ministerium/konzepte/']")
    path = link.get_attribute("href")
    link.click()
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    return path


def test_review_request_changes_then_approve_and_record_the_agreement(fresh_portal, new_page):
    problems: list[str] = []
    submit_as_applicant(fresh_portal, SECOND)

    reviewer = new_page(base_url=fresh_portal.url)
    errors = watch_browser_errors(reviewer)
    log_in(reviewer, fresh_portal.url, DEMO_USERS["reviewer"])
    problems += check_page(reviewer, "dashboard", errors)

    # The dashboard links into the queue; both applicants wait, unassigned.
    reviewer.locator("a[href='/ministerium/pruefung?assigned=unassigned']").click()
    expect(queue_row(reviewer, FIRST)).to_be_visible()
    expect(queue_row(reviewer, SECOND)).to_be_visible()
    problems += check_page(reviewer, "queue, unassigned", errors)

    # Assign the first to myself from the queue ("me" is preselected).
    row = queue_row(reviewer, FIRST)
    with reviewer.expect_navigation():
        row.locator("form[action$='/zuweisen'] button[type=submit]").click()
    expect(reviewer.locator(".portal-flashes")).to_contain_text(FIRST)
    problems += check_page(reviewer, "queue after assigning", errors)
    reviewer.goto(fresh_portal.url + "/ministerium/pruefung?assigned=me")
    expect(queue_row(reviewer, FIRST)).to_be_visible()
    expect(queue_row(reviewer, SECOND)).to_have_count(0)

    # The review page: the whole concept, the comment and decision forms.
    concept_path = open_review_page(reviewer, FIRST)
    concept_id = concept_path.rsplit("/", 1)[1]
    expect(reviewer.locator("h1")).to_contain_text(FIRST)
    expect(reviewer.locator(".portal-measure").first).to_be_visible()
    problems += check_page(reviewer, "review page", errors)

    # A visible comment on the first measure, and an internal note.
    form = reviewer.locator("form[action$='/kommentare']").last
    form.locator("#measure").select_option(index=1)
    form.locator("#visibility-0").check()
    form.locator("#body").fill(VISIBLE)
    with reviewer.expect_navigation():
        form.locator("button[type=submit]").click()
    problems += check_page(reviewer, "review page after a comment", errors)
    form = reviewer.locator("form[action$='/kommentare']").last
    form.locator("#visibility-1").check()
    form.locator("#body").fill(INTERNAL)
    with reviewer.expect_navigation():
        form.locator("button[type=submit]").click()
    internal = reviewer.locator(".portal-comment--internal", has_text=INTERNAL)
    expect(internal).to_be_visible()
    expect(internal.locator(".kern-badge")).to_be_visible()

    # Request changes without a comment: refused at the field; then with the comment.
    decision = reviewer.locator("form[action$='/entscheidung']")
    with reviewer.expect_navigation():
        decision.locator("button[value=request_changes]").click()
    expect(reviewer.locator("#error-summary")).to_be_visible()
    problems += check_page(reviewer, "decision without a comment", errors)
    decision = reviewer.locator("form[action$='/entscheidung']")
    decision.locator("#comment").fill(REQUEST)
    with reviewer.expect_navigation():
        decision.locator("button[value=request_changes]").click()
    expect(reviewer.locator(".portal-flashes")).to_contain_text(FIRST)
    expect(reviewer.locator("form[action$='/entscheidung']")).to_have_count(0)
    problems += check_page(reviewer, "review page after requesting changes", errors)

    # The applicant reads the request and the visible comment, never the internal note.
    applicant = new_page(base_url=fresh_portal.url)
    applicant_errors = watch_browser_errors(applicant)
    log_in(applicant, fresh_portal.url, applicant_email(FIRST))
    applicant.goto(f"{fresh_portal.url}/konzepte/{concept_id}")
    expect(applicant.locator("main")).to_contain_text(REQUEST)
    expect(applicant.locator("main")).to_contain_text(VISIBLE)
    assert INTERNAL not in applicant.content()
    problems += check_page(applicant, "applicant's concept page", applicant_errors)
    fresh_portal.deliver()
    mails = [read_mail(path.read_bytes()) for path in sorted(fresh_portal.outbox.glob("*.eml"))]
    to_applicant = [body for to, body in mails if to == applicant_email(FIRST)]
    assert any(REQUEST in body for body in to_applicant), "the request for changes is e-mailed"
    assert any(VISIBLE in body for body in to_applicant), "the visible comment is e-mailed"
    assert not any(INTERNAL in body for _to, body in mails)

    # Approve the other applicant's concept and go on to record the agreement.
    reviewer.goto(fresh_portal.url + "/ministerium/pruefung")
    open_review_page(reviewer, SECOND)
    with reviewer.expect_navigation():
        reviewer.locator("form[action$='/entscheidung'] button[value=approve]").click()
    next_step = reviewer.locator("a[href$='/vereinbarung']")
    expect(next_step).to_be_visible()
    problems += check_page(reviewer, "review page after approving", errors)
    with reviewer.expect_navigation():
        next_step.click()
    expect(reviewer).to_have_url(re.compile(r"/organisationen/\d+/vereinbarung$"))
    expect(reviewer.locator("h1")).to_be_visible()
    problems += check_page(reviewer, "record the agreement", errors)

    assert problems == [], "\n".join(problems)
