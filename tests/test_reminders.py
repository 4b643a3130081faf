"""Reminders (portal.reminders and the CLI command `flask --app portal reminders send`):

- change requests left unanswered: after 14 days, not before, once per change request;
- annual reports not submitted: 30 and 7 days before the due date, the day after it, then
  monthly while overdue or non-reporting; each once, checked by running twice and by moving the
  clock across the boundaries, with missed days, extensions, closed and reopened cycles."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal import reminders
from portal.models import (
    AuditEntry,
    Concept,
    CycleExtension,
    OrganisationStatus,
    ReportReminder,
    SubmissionStatus,
    utcnow,
)
from portal.reports.cycles import add_months
from portal.workflow import apply_transition
from tests import factories

pytestmark = pytest.mark.db

S = SubmissionStatus
REQUESTED = datetime(2025, 3, 3, 9, 30)
FOURTEEN_DAYS = timedelta(days=14)


@pytest.fixture
def waiting(db, cast):
    """A concept of organisation A whose changes were requested on REQUESTED."""
    for key in ("editor_a", "admin_a"):
        cast[key].locale = "en"
    concept = factories.ConceptFactory(
        organisation=cast["org_a"],
        status=S.CHANGES_REQUESTED,
        submitted_at=REQUESTED - timedelta(days=3),
        changes_requested_at=REQUESTED,
    )
    db.session.commit()
    return concept


def _reminder_mails(outbox):
    return [m for m in outbox() if m.subject.startswith("Reminder")]


def test_a_change_request_unanswered_for_14_days_reminds_the_partner_admins(
    db, cast, waiting, outbox
):
    second_admin = factories.UserFactory(
        role="partner_admin", organisation=cast["org_a"], locale="en"
    )
    factories.UserFactory(role="partner_admin", organisation=cast["org_a"], is_active_account=False)
    factories.UserFactory(role="partner_admin", organisation=cast["org_b"])
    db.session.commit()

    assert reminders.send_change_request_reminders(now=REQUESTED + FOURTEEN_DAYS) == 1

    mails = _reminder_mails(outbox)
    # The partner admins of A who can log in; not the editor, not B, not a deactivated account.
    assert sorted(m.recipient for m in mails) == sorted([cast["admin_a"].email, second_admin.email])
    english = next(m for m in mails if m.recipient == cast["admin_a"].email)
    assert english.subject == "Reminder: the ministry is waiting for your revised concept"
    assert "14 days ago the ministry asked for changes to version 1" in english.body
    assert f"http://portal.test/konzepte/{waiting.id}" in english.body
    db.session.expire_all()
    assert waiting.reminder_sent_at == REQUESTED + FOURTEEN_DAYS
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "reminder_sent")).one()
    assert (entry.object_type, entry.object_id) == ("concept", waiting.id)


def test_no_reminder_a_second_before_the_14_days(db, waiting, outbox):
    assert (
        reminders.send_change_request_reminders(
            now=REQUESTED + FOURTEEN_DAYS - timedelta(seconds=1)
        )
        == 0
    )
    assert _reminder_mails(outbox) == []
    db.session.expire_all()
    assert waiting.reminder_sent_at is None


def test_running_twice_a_day_sends_once(db, waiting, outbox):
    now = REQUESTED + FOURTEEN_DAYS + timedelta(hours=3)
    assert reminders.send_change_request_reminders(now=now) == 1
    assert reminders.send_change_request_reminders(now=now + timedelta(hours=12)) == 0
    assert reminders.send_change_request_reminders(now=now + timedelta(days=30)) == 0
    assert len(_reminder_mails(outbox)) == 1


def test_a_new_change_request_is_reminded_about_again(db, cast, waiting, outbox):
    first = REQUESTED + FOURTEEN_DAYS
    assert reminders.send_change_request_reminders(now=first) == 1
    # The partner resubmits and the ministry asks for changes once more.
    second_request = first + timedelta(days=2)
    waiting.status = S.CHANGES_REQUESTED
    waiting.changes_requested_at = second_request
    db.session.commit()

    assert reminders.send_change_request_reminders(now=second_request + timedelta(days=13)) == 0
    assert reminders.send_change_request_reminders(now=second_request + FOURTEEN_DAYS) == 1
    assert len(_reminder_mails(outbox)) == 2


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.APPROVED])
def test_answered_change_requests_are_not_reminded_about(db, waiting, outbox, status):
    waiting.status = status
    db.session.commit()
    assert reminders.send_change_request_reminders(now=REQUESTED + timedelta(days=60)) == 0
    assert _reminder_mails(outbox) == []


def test_a_change_request_through_the_workflow_is_reminded_about(app, db, cast, outbox):
    concept = factories.ConceptFactory(organisation=cast["org_a"], status=S.SUBMITTED)
    db.session.commit()
    with app.test_request_context("/"):
        apply_transition(concept, "request_changes", cast["reviewer"], comment="Bitte ergänzen.")
    requested = concept.changes_requested_at
    assert reminders.send_change_request_reminders(now=requested + timedelta(days=13)) == 0
    assert reminders.send_change_request_reminders(now=requested + FOURTEEN_DAYS) == 1


def test_reports_are_reminded_about_too(db, cast, outbox):
    cast["admin_a"].locale = "en"
    report = factories.ReportFactory(
        organisation=cast["org_a"], status=S.CHANGES_REQUESTED, changes_requested_at=REQUESTED
    )
    db.session.commit()
    assert reminders.send_change_request_reminders(now=REQUESTED + FOURTEEN_DAYS) == 1
    (mail,) = _reminder_mails(outbox)
    assert mail.subject == "Reminder: the ministry is waiting for your revised annual report"
    db.session.expire_all()
    assert report.reminder_sent_at == REQUESTED + FOURTEEN_DAYS


def test_a_reminder_does_not_make_the_partners_open_form_stale(db, waiting):
    """The partner may be editing when cron runs; the lock version must stay as it was."""
    before = (waiting.lock_version, waiting.updated_at)
    reminders.send_change_request_reminders(now=REQUESTED + FOURTEEN_DAYS)
    db.session.expire_all()
    assert (waiting.lock_version, waiting.updated_at) == before


def test_the_command_prints_how_many_were_sent(app, db, waiting, outbox):
    db.session.execute(
        Concept.__table__.update()
        .where(Concept.id == waiting.id)
        .values(changes_requested_at=utcnow() - timedelta(days=20))
    )
    db.session.commit()
    runner = app.test_cli_runner()

    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert "change requests: 1 reminder(s) sent" in result.output
    assert len(_reminder_mails(outbox)) == 1

    again = runner.invoke(args=["reminders", "send"])
    assert again.exit_code == 0
    assert "change requests: 0 reminder(s) sent" in again.output
    assert len(_reminder_mails(outbox)) == 1


def test_send_all_runs_every_kind(db, waiting):
    assert reminders.send_all(now=REQUESTED + FOURTEEN_DAYS) == {
        "change requests": 1,
        "annual reports due in 30 days": 0,
        "annual reports due in 7 days": 0,
        "annual reports overdue since yesterday": 0,
        "annual reports overdue, monthly": 0,
    }


# --- annual reports -------------------------------------------------------------------------------

DUE = date(2026, 3, 31)
DAY = timedelta(days=1)


def at(day: date, hour: int = 10) -> datetime:
    """A cron run on `day` (UTC, the same calendar day in Berlin)."""
    return datetime(day.year, day.month, day.day, hour)


@pytest.fixture
def due_report(db, cast):
    """A draft report of organisation A for 2025, due on 31 March 2026 (grace: 6 months)."""
    cast["admin_a"].locale = "en"
    cycle = factories.ReportingCycleFactory(
        year=2025, opens_on=date(2026, 1, 5), due_on=DUE, grace_months=6
    )
    report = factories.ReportFactory(organisation=cast["org_a"], cycle=cycle)
    db.session.commit()
    return report


def _report_mails(outbox):
    return [m for m in outbox() if "annual report 2025" in m.subject]


def _sent(now) -> dict[str, int]:
    """What one run sent, without the kinds that sent nothing."""
    return {kind: n for kind, n in reminders.send_report_reminders(now=now).items() if n}


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (DUE - 31 * DAY, None),
        (DUE - 30 * DAY, "due_30"),
        (DUE - 8 * DAY, "due_30"),
        (DUE - 7 * DAY, "due_7"),
        (DUE, "due_7"),
        (DUE + DAY, "overdue_1"),
        (date(2026, 4, 30), "overdue_1"),  # 31 March + 1 month = 30 April: not yet passed
        (date(2026, 5, 1), "overdue_month_1"),
        (date(2026, 5, 31), "overdue_month_1"),
        (date(2026, 6, 1), "overdue_month_2"),
        (date(2026, 10, 1), "overdue_month_6"),
        (date(2027, 4, 1), "overdue_month_12"),
    ],
)
def test_which_report_reminder_is_due_on_a_day(today, expected):
    assert reminders.report_reminder_due(DUE, today) == expected


def test_the_day_is_the_portals_calendar_day(app):
    """Cron at 00:30 in Berlin is still the evening before in UTC."""
    assert reminders.local_day(datetime(2026, 3, 30, 22, 30)) == date(2026, 3, 31)
    assert reminders.local_day(datetime(2026, 1, 15, 22, 30)) == date(2026, 1, 15)


def test_walking_the_calendar_sends_each_reminder_once_on_its_day(db, cast, due_report, outbox):
    """Cron runs twice every day from 40 days before the due date to 200 days after it."""
    sent_on = []
    day = DUE - 40 * DAY
    while day <= DUE + 200 * DAY:
        for hour in (6, 18):
            for kind in _sent(at(day, hour)):
                sent_on.append((day, kind))
        day += DAY
    assert sent_on == [
        (date(2026, 3, 1), "due_30"),
        (date(2026, 3, 24), "due_7"),
        (date(2026, 4, 1), "overdue_1"),
        (date(2026, 5, 1), "overdue_month"),
        (date(2026, 6, 1), "overdue_month"),
        (date(2026, 7, 1), "overdue_month"),
        (date(2026, 8, 1), "overdue_month"),
        (date(2026, 9, 1), "overdue_month"),
        (date(2026, 10, 1), "overdue_month"),  # non-reporting from today on: still monthly
    ]
    kinds = db.session.scalars(select(ReportReminder.kind).order_by(ReportReminder.id)).all()
    assert kinds == [
        "due_30@2026-03-31",
        "due_7@2026-03-31",
        "overdue_1@2026-03-31",
        *(f"overdue_month_{n}@2026-03-31" for n in range(1, 7)),
    ]
    assert len(_report_mails(outbox)) == 9


def test_the_reminder_mails_say_when_and_link_to_the_report(db, cast, due_report, outbox):
    reminders.send_report_reminders(now=at(DUE - 30 * DAY))
    reminders.send_report_reminders(now=at(DUE))
    reminders.send_report_reminders(now=at(DUE + DAY))
    reminders.send_report_reminders(now=at(date(2026, 10, 1)))
    before, last_day, after, non_reporting = _report_mails(outbox)
    link = f"http://portal.test/berichte/{due_report.id}"
    assert before.subject == "Reminder: annual report 2025 due by March 31, 2026"
    assert "is due on March 31, 2026, in 30 days" in before.body
    assert link in before.body
    # Cron missed the 7-day reminder until the due date itself.
    assert "is due today, March 31, 2026" in last_day.body
    assert after.subject == "Reminder: the annual report 2025 is overdue"
    assert "was due on March 31, 2026, 1 day ago" in after.body and link in after.body
    assert "once a month" in after.body
    assert "has not reported" not in after.body
    assert "184 days ago" in non_reporting.body
    assert "the ministry lists Organisation A as a partner that has not reported" in (
        non_reporting.body
    )
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "reminder_sent").order_by(AuditEntry.id)
    ).all()
    assert [(e.object_type, e.object_id, e.data["kind"]) for e in entries] == [
        ("report", due_report.id, "due_30"),
        ("report", due_report.id, "due_7"),
        ("report", due_report.id, "overdue_1"),
        ("report", due_report.id, "overdue_month_6"),
    ]


def test_reminders_go_to_the_active_partner_admins_in_their_language(db, cast, due_report, outbox):
    german = factories.UserFactory(role="partner_admin", organisation=cast["org_a"], locale="de")
    factories.UserFactory(role="partner_admin", organisation=cast["org_a"], is_active_account=False)
    factories.UserFactory(role="partner_admin", organisation=cast["org_a"], password_hash=None)
    factories.UserFactory(role="partner_admin", organisation=cast["org_b"])
    db.session.commit()
    reminders.send_report_reminders(now=at(DUE - 7 * DAY))
    mails = {m.recipient: m for m in outbox()}
    # Not the editor, not B, not an account that cannot log in.
    assert sorted(mails) == sorted([cast["admin_a"].email, german.email])
    assert "31. März 2026" in mails[german.email].body
    assert "March 31, 2026" in mails[cast["admin_a"].email].body


def test_running_twice_a_day_sends_nothing_twice(app, db, cast, due_report, outbox):
    assert _sent(at(DUE - 7 * DAY, 6)) == {"due_7": 1}
    assert _sent(at(DUE - 7 * DAY, 6)) == {}
    assert _sent(at(DUE - 7 * DAY, 21)) == {}
    assert _sent(at(DUE - 2 * DAY)) == {}
    assert len(_report_mails(outbox)) == 1


def test_a_missed_day_sends_only_the_latest_reminder(db, cast, due_report, outbox):
    # Cron did not run 30 or 7 days before: five days before, only the 7-day reminder goes.
    assert _sent(at(DUE - 5 * DAY)) == {"due_7": 1}
    assert "in 5 days" in _report_mails(outbox)[-1].body
    # Down again from then until 45 days after: only the monthly one, not the day-after one.
    assert _sent(at(DUE + 45 * DAY)) == {"overdue_month": 1}
    assert "45 days ago" in _report_mails(outbox)[-1].body
    assert _sent(at(DUE + 46 * DAY)) == {}
    assert len(_report_mails(outbox)) == 2


def test_the_organisations_extension_moves_the_reminders(db, cast, due_report, outbox):
    extended = DUE + 60 * DAY
    db.session.add(
        CycleExtension(
            cycle_id=due_report.cycle_id,
            organisation_id=cast["org_a"].id,
            due_on=extended,
            reason="Neue Leitung",
        )
    )
    db.session.commit()
    assert _sent(at(DUE - 7 * DAY)) == {}
    assert _sent(at(DUE + DAY)) == {}
    assert _sent(at(extended - 30 * DAY)) == {"due_30": 1}
    assert "is due on May 30, 2026, in 30 days" in _report_mails(outbox)[-1].body
    assert _sent(at(extended + DAY)) == {"overdue_1": 1}


def test_a_due_date_extended_after_a_reminder_gets_its_own_reminders(db, cast, due_report, outbox):
    assert _sent(at(DUE + DAY)) == {"overdue_1": 1}
    # The ministry extends the due date for everyone by two weeks.
    due_report.cycle.due_on = DUE + 14 * DAY
    db.session.commit()
    assert _sent(at(DUE + 2 * DAY)) == {"due_30": 1}
    assert "in 12 days" in _report_mails(outbox)[-1].body
    assert _sent(at(DUE + 7 * DAY)) == {"due_7": 1}
    assert _sent(at(DUE + 15 * DAY)) == {"overdue_1": 1}
    assert _sent(at(DUE + 16 * DAY)) == {}


def test_a_closed_cycle_sends_none_unless_reopened_for_the_organisation(
    db, cast, due_report, outbox
):
    other = factories.ReportFactory(organisation=cast["org_b"], cycle=due_report.cycle)
    due_report.cycle.closed_at = at(DUE + 40 * DAY)
    db.session.commit()
    assert _sent(at(DUE + 62 * DAY)) == {}
    # Reopened for organisation A until a new date: A is reminded again, B is not.
    db.session.add(
        CycleExtension(
            cycle_id=due_report.cycle_id,
            organisation_id=cast["org_a"].id,
            due_on=DUE + 90 * DAY,
            reason="Nachreichung",
            reopened=True,
        )
    )
    db.session.commit()
    assert _sent(at(DUE + 83 * DAY)) == {"due_7": 1}
    assert [m.recipient for m in _report_mails(outbox)] == [cast["admin_a"].email]
    assert (
        db.session.scalar(
            select(ReportReminder.id).where(ReportReminder.organisation_id == other.organisation_id)
        )
        is None
    )


@pytest.mark.parametrize("status", [S.SUBMITTED, S.APPROVED, S.CHANGES_REQUESTED])
def test_a_submitted_report_gets_no_reminder(db, cast, due_report, outbox, status):
    """A report sent back for changes did come in: it is not overdue (its own reminder about the
    change request is separate)."""
    due_report.status = status
    due_report.submitted_at = at(DUE - 3 * DAY)
    db.session.commit()
    for day in (DUE - 30 * DAY, DUE - 7 * DAY, DUE + DAY, DUE + 40 * DAY):
        assert _sent(at(day)) == {}
    assert _report_mails(outbox) == []


def test_a_withdrawn_report_is_reminded_about(db, cast, due_report, outbox):
    """Withdrawn before the review, the report is a draft again and counts as not submitted."""
    due_report.submitted_at = at(DUE - 10 * DAY)
    db.session.commit()
    assert _sent(at(DUE + DAY)) == {"overdue_1": 1}


def test_partners_that_left_get_no_reminder(db, cast, due_report, outbox):
    cast["org_a"].status = OrganisationStatus.LEFT
    db.session.commit()
    assert _sent(at(DUE - 7 * DAY)) == {}
    assert _report_mails(outbox) == []


def test_the_command_prints_the_report_reminders_per_kind(app, db, cast, outbox):
    today = utcnow().date()
    cycle = factories.ReportingCycleFactory(
        year=2025, opens_on=today - 60 * DAY, due_on=today + 7 * DAY
    )
    factories.ReportFactory(organisation=cast["org_a"], cycle=cycle)
    late_cycle = factories.ReportingCycleFactory(
        year=2024, opens_on=today - 400 * DAY, due_on=add_months(today, -2) - DAY
    )
    factories.ReportFactory(organisation=cast["org_b"], cycle=late_cycle)
    db.session.commit()
    runner = app.test_cli_runner()

    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert "annual reports due in 7 days: 1 reminder(s) sent" in result.output
    assert "annual reports due in 30 days: 0 reminder(s) sent" in result.output
    assert "annual reports overdue, monthly: 1 reminder(s) sent" in result.output
    again = runner.invoke(args=["reminders", "send"])
    assert "annual reports due in 7 days: 0 reminder(s) sent" in again.output
    assert "annual reports overdue, monthly: 0 reminder(s) sent" in again.output
    assert len([m for m in outbox() if m.subject.startswith(("Reminder", "Erinnerung"))]) == 2
