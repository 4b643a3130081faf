"""The ministry reviews an annual report in the browser: the partner admin of Kreis
Minden-Lübbecke submits the report of the open demo cycle, the reviewer finds it in the queue
filtered to annual reports, reads it beside last year's figures and requests changes with a
comment (first forgetting the comment: refused at the field); the partner reads the request and
submits again; the reviewer approves. axe-core and the browser console are checked on every page.

The parts of the report are filled in the browser by tests/e2e/test_report_flow.py; here the
answers are given through the services in the fresh portal's database (the server runs in this
process, on its own SQLite file), so the flow starts at "check your answers". Selectors use
names, ids and form actions rather than words: the flow runs in German."""

import email
import email.policy
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from .browser import DEMO_USERS, check_page, log_in, watch_browser_errors

pytestmark = pytest.mark.e2e

MINDEN = "Kreis Minden-Lübbecke"
REQUEST = "Bitte ergänzen Sie bei den Neueinstellungen, wie viele über das Mentoring kamen."


def _fill_the_report_of_minden(portal) -> tuple[int, int]:
    """(report id, year) of Minden-Lübbecke's draft in the open cycle, with every answer given
    as the partner would give it."""
    from sqlalchemy import select

    from portal import create_app
    from portal.extensions import db
    from portal.models import (
        MeasureStatus,
        Organisation,
        Report,
        ReportingCycle,
        SubmissionStatus,
        User,
    )
    from portal.reports import queries, services
    from portal.reports.figures import Figure

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
        minden = db.session.scalar(select(Organisation).where(Organisation.name == MINDEN))
        admin = db.session.scalar(select(User).where(User.email == DEMO_USERS["partner_admin"]))
        report = db.session.scalar(
            select(Report)
            .join(ReportingCycle, Report.cycle_id == ReportingCycle.id)
            .where(
                Report.organisation_id == minden.id,
                Report.status == SubmissionStatus.DRAFT,
                ReportingCycle.closed_at.is_(None),
            )
            .order_by(ReportingCycle.year.desc())
        )
        assert report is not None, "the demo has no open cycle with a draft of Minden-Lübbecke"
        content = queries.load_content(report)
        figures = {i.id: Figure(40 if i.part_of_id else 400) for i in content.indicators}
        services.save_figures(
            report, content, figures, lock_version=report.lock_version, actor=admin
        )
        content = queries.load_content(report)
        progress = {
            m.lineage_id: (MeasureStatus.IN_PROGRESS, Decimal("5"), "Drei Workshops im Jahr.")
            for m in content.measures
        }
        services.save_progress(
            report, content, progress, lock_version=report.lock_version, actor=admin
        )
        content = queries.load_content(report)
        texts = {
            "overall_assessment": "Ein gutes Jahr für die interkulturelle Öffnung.",
            "challenges": "Die Befragung brauchte mehr Zeit.",
            "next_steps": "Mentoring für neue Beschäftigte ausbauen.",
            "good_practice_story": "",
        }
        services.save_assessment(
            report, content, texts, False, lock_version=report.lock_version, actor=admin
        )
        found = (report.id, report.cycle.year)
        db.session.remove()
        db.engine.dispose()
    return found


def _submit(page, report_id: int) -> None:
    """On "check your answers", press the submit button and land on the report's page."""
    page.goto(f"/berichte/{report_id}/pruefen")
    with page.expect_navigation():
        page.locator("main form[action$='/einreichen'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/berichte/{report_id}$"))


def test_review_an_annual_report_request_changes_then_approve(fresh_portal, new_page):
    report_id, year = _fill_the_report_of_minden(fresh_portal)
    review_path = f"/ministerium/berichte/{report_id}"
    problems: list[str] = []

    # The partner admin checks the answers and submits.
    partner = new_page(base_url=fresh_portal.url)
    partner_errors = watch_browser_errors(partner)
    log_in(partner, fresh_portal.url, DEMO_USERS["partner_admin"])
    partner.goto(f"/berichte/{report_id}/pruefen")
    problems += check_page(partner, "partner: check your answers", partner_errors)
    _submit(partner, report_id)
    problems += check_page(partner, "partner: report submitted", partner_errors)

    # The reviewer filters the queue to annual reports and opens Minden-Lübbecke's.
    reviewer = new_page(base_url=fresh_portal.url)
    errors = watch_browser_errors(reviewer)
    log_in(reviewer, fresh_portal.url, DEMO_USERS["reviewer"])
    problems += check_page(reviewer, "dashboard with non-reporting partners", errors)
    reviewer.goto("/ministerium/pruefung")
    reviewer.locator("#kind").select_option("report")
    with reviewer.expect_navigation():
        reviewer.locator("main form[method=get] button[type=submit]").click()
    expect(reviewer).to_have_url(re.compile(r"kind=report"))
    row = reviewer.locator("tbody tr", has_text=MINDEN)
    expect(row).to_have_count(1)
    problems += check_page(reviewer, "queue of annual reports", errors)
    with reviewer.expect_navigation():
        row.locator(f"a[href='{review_path}']").click()
    expect(reviewer.locator("h1")).to_contain_text(MINDEN)
    expect(reviewer.locator("h1")).to_contain_text(str(year))
    # This year's key figures beside last year's, with the shares.
    figures = reviewer.locator("#read-figures-caption")
    expect(figures).to_contain_text(str(year - 1))
    expect(reviewer.locator("main table", has=figures)).to_contain_text("10,0 %")
    expect(reviewer.locator("main")).to_contain_text("Drei Workshops im Jahr.")
    problems += check_page(reviewer, "review page of the report", errors)

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
    expect(reviewer.locator(".portal-flashes")).to_contain_text(MINDEN)
    expect(reviewer.locator("main")).to_contain_text(REQUEST)
    expect(reviewer.locator("form[action$='/entscheidung']")).to_have_count(0)
    problems += check_page(reviewer, "review page after requesting changes", errors)

    # The partner reads the request on the report's page and submits again.
    partner.goto(f"/berichte/{report_id}")
    expect(partner.locator("main")).to_contain_text(REQUEST)
    problems += check_page(partner, "partner: changes requested", partner_errors)
    partner.goto(f"/berichte/{report_id}/pruefen")
    problems += check_page(partner, "partner: check again", partner_errors)
    _submit(partner, report_id)

    # The reviewer approves the resubmitted report.
    reviewer.goto(review_path)
    with reviewer.expect_navigation():
        reviewer.locator("form[action$='/entscheidung'] button[value=approve]").click()
    expect(reviewer.locator(".portal-flashes")).to_contain_text(MINDEN)
    expect(reviewer.locator("form[action$='/entscheidung'] button[value=reopen]")).to_be_visible()
    problems += check_page(reviewer, "review page after approving", errors)

    assert problems == [], "\n".join(problems)

    fresh_portal.deliver()
    mails = [_read_mail(path.read_bytes()) for path in sorted(fresh_portal.outbox.glob("*.eml"))]
    to_partner = [body for to, body in mails if to == DEMO_USERS["partner_admin"]]
    assert any(REQUEST in body for body in to_partner), "the request is e-mailed to the partner"


def _read_mail(raw: bytes) -> tuple[str, str]:
    """Recipient and decoded text of an .eml file."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    return message["To"], message.get_content()
