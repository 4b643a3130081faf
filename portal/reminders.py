"""Reminder e-mails sent by the daily cron job `flask --app portal reminders send`.

Each kind of reminder is one function taking `now` and returning how many reminders it sent
(a number, or a number per sub-kind); `send_all` runs them all. Every function must be safe to
run more than once a day: it records what it sent and sends nothing twice.

Change requests left unanswered: a concept or report still in `changes_requested` whose change
request is at least CHANGE_REQUEST_REMINDER_AFTER old, and not yet reminded about since that
request, gets one e-mail to its organisation's partner admins; `reminder_sent_at` records it.
A new change request (a later `changes_requested_at`) makes the submission due again.

Annual reports not submitted (`portal.reports.cycles.standing`: a report sent back for changes
was submitted, a withdrawn one was not) in a cycle that takes submissions from the organisation:
30 and 7 days before the due date (the organisation's extension counts), the day after it became
overdue, and each time another month has passed since the due date, while overdue or
non-reporting, until the report is submitted or the cycle closed. On any day only the most
recent of these is due: when cron did not run on the exact day, the missed reminder is sent late
and an older one that was missed too is skipped. A `ReportReminder` row (unique per cycle,
organisation and kind) records each one sent; its kind names the due date it was about
("due_7@2026-03-31"), so a new due date (an extension, a reopened cycle) gets its own reminders."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError

from portal import audit, mail
from portal.extensions import db
from portal.models import (
    Concept,
    CycleExtension,
    Organisation,
    OrganisationStatus,
    Report,
    ReportingCycle,
    ReportReminder,
    Role,
    SubmissionStatus,
    User,
    utcnow,
)
from portal.reports.cycles import add_months, standing

CHANGE_REQUEST_REMINDER_AFTER = timedelta(days=14)


def _due_for_change_request_reminder(model, now: datetime):
    """The condition on a submission model (Concept or Report) for a reminder due at `now`."""
    return (
        (model.status == SubmissionStatus.CHANGES_REQUESTED)
        & model.changes_requested_at.is_not(None)
        & (model.changes_requested_at <= now - CHANGE_REQUEST_REMINDER_AFTER)
        & or_(
            model.reminder_sent_at.is_(None),
            model.reminder_sent_at < model.changes_requested_at,
        )
    )


def _partner_admins(organisation_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(
                User.organisation_id == organisation_id,
                User.role == Role.PARTNER_ADMIN,
                User.is_active_account.is_(True),
                User.password_hash.is_not(None),
            )
        )
    )


def send_change_request_reminders(now: datetime | None = None) -> int:
    """Remind partner admins of change requests left unanswered; returns how many submissions
    were reminded about. Each submission is claimed by a conditional UPDATE and committed on its
    own, so two runs at the same time never both send."""
    now = now or utcnow()
    sent = 0
    for model in (Concept, Report):
        due_ids = db.session.scalars(
            select(model.id)
            .where(_due_for_change_request_reminder(model, now))
            .order_by(model.changes_requested_at, model.id)
        ).all()
        for submission_id in due_ids:
            sent += _remind_once(model, submission_id, now)
    return sent


def _remind_once(model, submission_id: int, now: datetime) -> int:
    # A plain UPDATE, so the optimistic-lock version stays: a partner editing the submission
    # right now must not get a conflict because of a reminder.
    claimed = db.session.execute(
        update(model)
        .where(model.id == submission_id, _due_for_change_request_reminder(model, now))
        .values(reminder_sent_at=now, updated_at=model.updated_at)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        return 0
    submission = db.session.get(model, submission_id)
    db.session.refresh(submission)
    recipients = _partner_admins(submission.organisation_id)
    for admin in recipients:
        mail.queue_mail_to_user(
            admin,
            "reminder_changes_requested",
            submission=submission,
            days=(now - submission.changes_requested_at).days,
        )
    audit.record(
        "reminder_sent",
        submission,
        kind="changes_requested",
        recipients=len(recipients),
    )
    db.session.commit()
    return 1


# --- annual reports ---------------------------------------------------------------------------

# The reminders about a report, in the order they fall due, with the names the command prints.
REPORT_REMINDER_NAMES = {
    "due_30": "annual reports due in 30 days",
    "due_7": "annual reports due in 7 days",
    "overdue_1": "annual reports overdue since yesterday",
    "overdue_month": "annual reports overdue, monthly",
}
NOT_SUBMITTED = ("open", "overdue", "non_reporting")


def local_day(now: datetime) -> date:
    """The calendar day in the portal's time zone (due dates are German days) of a naive UTC
    time stamp such as `utcnow()`."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Europe/Berlin")
    aware = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    return aware.astimezone(zone).date()


def months_overdue(due_on: date, today: date) -> int:
    """How many months have fully passed since the due date: the largest n with
    add_months(due_on, n) before today (31 March → 30 April is 0, 1 May is 1)."""
    months = (today.year - due_on.year) * 12 + today.month - due_on.month
    while months > 0 and add_months(due_on, months) >= today:
        months -= 1
    while add_months(due_on, months + 1) < today:
        months += 1
    return max(months, 0)


def report_reminder_due(due_on: date, today: date) -> str | None:
    """The most recent reminder that has fallen due by `today` for a report not submitted and due
    on `due_on`: "due_30" from 30 days before, "due_7" from 7 days before, "overdue_1" from the
    day after the due date, "overdue_month_<n>" from the day after n months have passed; None
    more than 30 days before. Pure, so the boundaries are easy to test."""
    if today > due_on:
        months = months_overdue(due_on, today)
        return f"overdue_month_{months}" if months else "overdue_1"
    days_left = (due_on - today).days
    if days_left <= 7:
        return "due_7"
    if days_left <= 30:
        return "due_30"
    return None


def _reports_still_to_submit():
    """Reports not submitted (yet) whose cycle takes submissions from their organisation (open,
    or closed and reopened for it), of partners still in the network, with their due date."""
    return (
        select(
            Report.id,
            Report.organisation_id,
            Report.cycle_id,
            Report.status,
            Report.submitted_at,
            ReportingCycle.due_on,
            ReportingCycle.grace_months,
            CycleExtension.due_on,
        )
        .join(ReportingCycle, ReportingCycle.id == Report.cycle_id)
        .join(Organisation, Organisation.id == Report.organisation_id)
        .outerjoin(
            CycleExtension,
            and_(
                CycleExtension.cycle_id == Report.cycle_id,
                CycleExtension.organisation_id == Report.organisation_id,
            ),
        )
        .where(
            Report.status.in_((SubmissionStatus.DRAFT, SubmissionStatus.CHANGES_REQUESTED)),
            Organisation.status.not_in((OrganisationStatus.LEFT, OrganisationStatus.DECLINED)),
            or_(ReportingCycle.closed_at.is_(None), CycleExtension.reopened.is_(True)),
        )
        .order_by(Report.cycle_id, Report.organisation_id)
    )


def send_report_reminders(now: datetime | None = None) -> dict[str, int]:
    """Remind the partner admins of every report still to be submitted whose next reminder has
    fallen due; returns how many reports were reminded about, per kind (REPORT_REMINDER_NAMES).
    Each reminder is claimed by inserting its ReportReminder row and committed on its own, so a
    second run, even at the same time, sends nothing twice."""
    now = now or utcnow()
    today = local_day(now)
    counts = dict.fromkeys(REPORT_REMINDER_NAMES, 0)
    rows = db.session.execute(_reports_still_to_submit()).all()
    if not rows:
        return counts
    sent = {
        (cycle_id, organisation_id, kind)
        for cycle_id, organisation_id, kind in db.session.execute(
            select(
                ReportReminder.cycle_id, ReportReminder.organisation_id, ReportReminder.kind
            ).where(ReportReminder.cycle_id.in_(sorted({row.cycle_id for row in rows})))
        )
    }
    for report_id, organisation_id, cycle_id, status, submitted_at, due, grace, own_due in rows:
        due_on = own_due or due
        where = standing(
            status=status,
            submitted_at=submitted_at,
            due_on=due_on,
            grace_months=grace,
            today=today,
        )
        milestone = report_reminder_due(due_on, today)
        if where.state not in NOT_SUBMITTED or milestone is None:
            continue
        kind = f"{milestone}@{due_on.isoformat()}"
        if (cycle_id, organisation_id, kind) in sent:
            continue
        if _remind_about_report(report_id, kind, milestone, due_on, where.state, now, today):
            counts["overdue_month" if milestone.startswith("overdue_month") else milestone] += 1
    return counts


def _remind_about_report(
    report_id: int, kind: str, milestone: str, due_on: date, state: str, now, today
) -> bool:
    report = db.session.get(Report, report_id)
    db.session.add(
        ReportReminder(
            cycle_id=report.cycle_id, organisation_id=report.organisation_id, kind=kind, sent_at=now
        )
    )
    try:
        db.session.flush()
    except IntegrityError:
        # Another run has just sent this one.
        db.session.rollback()
        return False
    recipients = _partner_admins(report.organisation_id)
    overdue = today > due_on
    for admin in recipients:
        mail.queue_mail_to_user(
            admin,
            "reminder_report_overdue" if overdue else "reminder_report_due",
            report=report,
            organisation=report.organisation,
            year=report.cycle.year,
            due_on=due_on,
            days_left=(due_on - today).days,
            days_overdue=(today - due_on).days,
            monthly=milestone.startswith("overdue_month"),
            non_reporting=state == "non_reporting",
        )
    audit.record(
        "reminder_sent",
        report,
        kind=milestone,
        due_on=due_on.isoformat(),
        recipients=len(recipients),
    )
    db.session.commit()
    return True


# --- all kinds ----------------------------------------------------------------------------------

# The kinds of reminders `send_all` runs: name -> function(now) -> number sent (or a number per
# sub-kind, named by the function's NAMES mapping below).
REMINDERS: dict[str, Callable[[datetime], int | dict[str, int]]] = {
    "change requests": send_change_request_reminders,
    "annual reports": send_report_reminders,
}
NAMES = {"annual reports": REPORT_REMINDER_NAMES}


def send_all(now: datetime | None = None) -> dict[str, int]:
    """Run every kind of reminder; returns the number sent per kind (what the command prints)."""
    now = now or utcnow()
    counts: dict[str, int] = {}
    for name, send in REMINDERS.items():
        result = send(now)
        if isinstance(result, dict):
            for sub_kind, count in result.items():
                counts[NAMES.get(name, {}).get(sub_kind, f"{name} {sub_kind}")] = count
        else:
            counts[name] = result
    return counts
