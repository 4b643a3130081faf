"""The partner admin of Kreis Minden-Lübbecke writes the annual report of the open cycle in the
browser: key figures (an "of whom" figure above its total is refused at the field, then
corrected; autosave on leaving a field), progress per measure with a German decimal comma, the
assessment with a story shared with the network, "check your answers", submit; the print view.
axe-core and the browser console are checked on every page.

Written against "the report of the open cycle on the organisation's reports page". When the demo
data has no open cycle with a draft for Minden-Lübbecke, `_open_report_of_minden` opens one in the
fresh portal's database (the server runs in this process, on its own SQLite file)."""

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .browser import DEMO_USERS, check_page, log_in, watch_browser_errors

pytestmark = pytest.mark.e2e

MINDEN_SLUG = "minden-luebbecke"
REVIEWER_EMAIL = "pruefung@example.org"


def _open_report_of_minden(folder) -> int:
    """The year of Minden-Lübbecke's report in a cycle that takes submissions; opens a cycle for
    the latest year without one when there is none (as a reviewer would)."""
    from sqlalchemy import select

    from portal import create_app
    from portal.extensions import db
    from portal.models import Organisation, Report, ReportingCycle, SubmissionStatus, User
    from portal.reports import cycles

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/e2e.sqlite3",
            "SECRET_KEY": "e2e",
            "MAIL_OUTBOX_FOLDER": f"{folder}/outbox",
            "UPLOAD_FOLDER": f"{folder}/uploads",
        }
    )
    with app.app_context():
        minden = db.session.scalar(select(Organisation).where(Organisation.slug == MINDEN_SLUG))
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
        if report is not None:
            year = report.cycle.year
        else:
            taken = set(db.session.scalars(select(ReportingCycle.year)))
            year = next(y for y in range(date.today().year - 1, 2000, -1) if y not in taken)
            reviewer = db.session.scalar(select(User).where(User.email == REVIEWER_EMAIL))
            today = date.today()
            cycles.open_cycle(
                year,
                opens_on=today - timedelta(days=30),
                due_on=today + timedelta(days=60),
                actor=reviewer,
            )
        db.session.remove()
        db.engine.dispose()
    return year


def _save(page, then: str):
    """Press a save button of a report part: then "stay", "continue" or "overview"."""
    page.locator(f"main button[name=next][value={then}]").click()


def test_partner_admin_fills_in_and_submits_the_annual_report(new_page, fresh_portal):
    year = _open_report_of_minden(fresh_portal.folder)
    page = new_page(base_url=fresh_portal.url)
    errors = watch_browser_errors(page)
    problems: list[str] = []
    log_in(page, fresh_portal.url, DEMO_USERS["partner_admin"])
    organisation_path = urlsplit(page.url).path  # /organisationen/<id>

    # The organisation's reports: the open one with its due date.
    page.goto(f"{organisation_path}/berichte")
    problems += check_page(page, "reports of the organisation", errors)
    page.get_by_role("link", name=re.compile(rf"^(Annual report|Jahresbericht) {year}$")).click()
    expect(page.locator("h1")).to_contain_text(str(year))
    report_path = urlsplit(page.url).path
    problems += check_page(page, "report: task list", errors)

    # Key figures: every figure 100, the parts 10 …
    page.goto(f"{report_path}/kennzahlen")
    problems += check_page(page, "key figures", errors)
    values = page.locator("main input[name^='value_']")
    for index in range(values.count()):
        field = values.nth(index)
        label = page.locator(f"label[for='{field.get_attribute('id')}']").inner_text()
        field.fill("10" if " – " in label else "100")
    # … autosave after leaving a field …
    values.first.fill("120")
    values.first.press("Tab")
    expect(page.locator("[data-autosave-status]")).to_contain_text(
        re.compile(r"Saved automatically|automatisch gespeichert", re.I)
    )
    # … and "of whom with immigration history" above its total: refused at the field.
    employees = page.get_by_role("textbox", name="Beschäftigte insgesamt", exact=True)
    migration = page.get_by_role(
        "textbox", name="Beschäftigte insgesamt – davon mit Einwanderungsgeschichte", exact=True
    )
    employees.fill("120")
    migration.fill("130")
    _save(page, "stay")
    migration_id = migration.get_attribute("id")
    expect(page.locator(f"#{migration_id}-error")).to_contain_text("120")
    expect(page.locator("#error-summary")).to_be_focused()
    expect(migration).to_have_value("130")
    expect(employees).to_have_value("120")
    problems += check_page(page, "key figures, refused", errors)
    migration.fill("30")
    _save(page, "stay")
    expect(page.locator(".portal-flashes")).to_be_visible()
    expect(page.locator("main")).to_contain_text("25,0 %")
    _save(page, "continue")

    # Progress per measure: a status, a German decimal, what happened.
    expect(page).to_have_url(re.compile(r"/massnahmen$"))
    problems += check_page(page, "progress per measure", errors)
    statuses = page.locator("main select[name^='status_']")
    for index in range(statuses.count()):
        statuses.nth(index).select_option("in_progress")
    page.locator("main input[name^='actual_']").first.fill("12,5")
    narratives = page.locator("main textarea[name^='narrative_']")
    for index in range(narratives.count()):
        narratives.nth(index).fill(f"Schritt {index + 1} ist umgesetzt.")
    _save(page, "continue")

    # Assessment and a story shared with the network.
    expect(page).to_have_url(re.compile(r"/einschaetzung$"))
    problems += check_page(page, "assessment", errors)
    page.locator("#overall_assessment").fill("Ein Jahr mit deutlichen Fortschritten.")
    page.locator("#challenges").fill("Die Befragung brauchte mehr Zeit als geplant.")
    page.locator("#next_steps").fill("Fortbildung für alle Führungskräfte.")
    page.locator("#good_practice_story").fill("Sprachverzeichnis im Kreishaus.")
    page.locator("#share_story").check()
    _save(page, "continue")

    # Check your answers, then submit.
    expect(page).to_have_url(re.compile(r"/pruefen$"))
    expect(page.locator("main")).to_contain_text("12,5")
    problems += check_page(page, "check your answers", errors)
    page.locator("main form[action$='/einreichen'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"{report_path}$"))
    expect(page.locator(".portal-flashes")).to_contain_text(str(year))
    expect(page.locator("main")).to_contain_text(re.compile(r"Submitted|Eingereicht"))
    problems += check_page(page, "report submitted", errors)

    page.goto(f"{report_path}/druck")
    expect(page.locator("main")).to_contain_text("Sprachverzeichnis im Kreishaus.")
    problems += check_page(page, "print view", errors)

    assert problems == [], "\n".join(problems)

    fresh_portal.deliver()
    receipt = [m for m in fresh_portal.mails() if DEMO_USERS["partner_admin"] in m]
    assert any(str(year) in m for m in receipt)
