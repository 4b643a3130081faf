"""Write operations of the ministry's cycle pages that `portal.reports.cycles` does not have:
extending only while the cycle is open, and reminding every partner whose report is missing.
Opening, closing and reopening are `portal.reports.cycles` functions, called by the views."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from portal import audit, mail
from portal.cycles import queries
from portal.extensions import db
from portal.models import Organisation, ReportingCycle, User
from portal.reports import cycles
from portal.reports.cycles import CycleRefused

__all__ = ["CycleRefused", "RemindersSent", "extend", "send_reminders"]


def extend(
    cycle: ReportingCycle,
    *,
    due_on: date,
    reason: str,
    actor: User,
    organisation: Organisation | None = None,
) -> None:
    """Extend the due date for everyone or one organisation; a closed cycle is reopened for one
    organisation instead. Commits."""
    if cycle.is_closed:
        raise CycleRefused(
            _l(
                "The reporting cycle %(year)s is closed, so its due date cannot be extended. "
                "Reopen it for one organisation instead.",
                year=cycle.year,
            )
        )
    cycles.extend_due_date(
        cycle, due_on=due_on, reason=reason, actor=actor, organisation=organisation
    )


@dataclass(frozen=True)
class RemindersSent:
    organisations: int
    recipients: int


def send_reminders(cycle: ReportingCycle, *, actor: User, today: date) -> RemindersSent:
    """E-mail the partner admins of every organisation whose report is still to be submitted
    (see `queries.reminder_recipients`); one audit entry with the counts; commits."""
    recipients = queries.reminder_recipients(cycle)
    if not recipients:
        raise CycleRefused(
            _l(
                "No reminder was sent: every organisation that can still submit has submitted "
                "its report, or none of them has an active partner admin."
            )
        )
    for user, report, organisation, due_on in recipients:
        mail.queue_mail_to_user(
            user,
            "cycle_reminder",
            cycle=cycle,
            report=report,
            organisation=organisation,
            due_on=due_on,
            days_overdue=max((today - due_on).days, 0),
        )
    sent = RemindersSent(
        organisations=len({report.organisation_id for _u, report, _o, _d in recipients}),
        recipients=len(recipients),
    )
    audit.record(
        "cycle_reminders_sent",
        cycle,
        actor=actor,
        year=cycle.year,
        organisations=sent.organisations,
        recipients=sent.recipients,
    )
    db.session.commit()
    return sent
