"""Reporting cycles (Berichtszeiträume): opening, extending, closing, and who owes a report.

A cycle for year Y asks every partner that was active in Y for a report. Opening creates the
reports (pre-filled from the year before) and tells the partner admins; a partner that becomes
active later gets its report at that moment (`create_reports_for_new_partner`). Due dates can be
extended for everyone or for one organisation; a closed cycle takes no more submissions unless it
was reopened for one organisation."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import audit, mail
from portal.extensions import db
from portal.models import (
    Agreement,
    CycleExtension,
    Organisation,
    OrganisationStatus,
    Report,
    ReportingCycle,
    Role,
    SubmissionStatus,
    User,
    utcnow,
)
from portal.reports.prefill import new_report

DEFAULT_GRACE_MONTHS = 6


class CycleRefused(Exception):
    """A change to a cycle is not possible; `reason` is for the user."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason


def default_due_date(year: int) -> date:
    """A report for year Y is due on 31 March of Y+1."""
    return date(year + 1, 3, 31)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 Aug + 6 →
    28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in range(day.day, 27, -1):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    return date(year, month, min(day.day, 28))


def _partners_owing_a_report(year: int) -> list[Organisation]:
    """Active partners whose agreement was signed before year `year` ended."""
    return db.session.scalars(
        select(Organisation)
        .join(Agreement, Agreement.organisation_id == Organisation.id)
        .where(
            Organisation.status == OrganisationStatus.ACTIVE,
            Agreement.signed_on <= date(year, 12, 31),
        )
        .order_by(Organisation.name)
    ).all()


def _partner_admins(organisation_id: int) -> list[User]:
    return db.session.scalars(
        select(User).where(
            User.organisation_id == organisation_id,
            User.role == Role.PARTNER_ADMIN,
            User.is_active_account.is_(True),
        )
    ).all()


def open_cycle(
    year: int,
    *,
    opens_on: date,
    due_on: date | None = None,
    grace_months: int = DEFAULT_GRACE_MONTHS,
    actor: User,
) -> ReportingCycle:
    """Open the cycle for `year`: a draft report for every partner owing one, an e-mail to their
    partner admins, one audit entry; commits."""
    due_on = due_on or default_due_date(year)
    if due_on <= opens_on:
        raise CycleRefused(_l("The due date must be after the opening date."))
    if grace_months < 0 or grace_months > 36:
        raise CycleRefused(_l("The grace period must be between 0 and 36 months."))
    if db.session.scalar(select(ReportingCycle.id).where(ReportingCycle.year == year)):
        raise CycleRefused(_l("A reporting cycle for %(year)s already exists.", year=year))
    cycle = ReportingCycle(
        year=year,
        opens_on=opens_on,
        due_on=due_on,
        grace_months=grace_months,
        opened_by_id=actor.id,
    )
    db.session.add(cycle)
    db.session.flush()
    organisations = _partners_owing_a_report(year)
    for organisation in organisations:
        _start_report(cycle, organisation)
    audit.record(
        "cycle_opened",
        cycle,
        actor=actor,
        year=year,
        due_on=due_on.isoformat(),
        reports=len(organisations),
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise CycleRefused(
            _l("A reporting cycle for %(year)s already exists.", year=year)
        ) from None
    return cycle


def _start_report(cycle: ReportingCycle, organisation: Organisation) -> Report:
    report = new_report(cycle, organisation)
    for admin in _partner_admins(organisation.id):
        mail.queue_mail_to_user(
            admin,
            "report_requested",
            cycle=cycle,
            organisation=organisation,
            due_on=due_date_for(cycle, organisation.id),
        )
    return report


def create_reports_for_new_partner(organisation: Organisation) -> list[Report]:
    """A partner that has just become active gets its report in every cycle that is not closed
    and whose year it was a partner in. The caller commits (this joins its transaction)."""
    signed_on = organisation.agreement.signed_on if organisation.agreement else None
    if signed_on is None:
        return []
    cycles = db.session.scalars(
        select(ReportingCycle).where(
            ReportingCycle.closed_at.is_(None), ReportingCycle.year >= signed_on.year
        )
    ).all()
    existing = set(
        db.session.scalars(select(Report.cycle_id).where(Report.organisation_id == organisation.id))
    )
    return [_start_report(cycle, organisation) for cycle in cycles if cycle.id not in existing]


# --- due dates ----------------------------------------------------------------------------------


def due_date_for(cycle: ReportingCycle, organisation_id: int) -> date:
    extension = _extension(cycle, organisation_id)
    return extension.due_on if extension is not None else cycle.due_on


def _extension(cycle: ReportingCycle, organisation_id: int) -> CycleExtension | None:
    return db.session.scalar(
        select(CycleExtension).where(
            CycleExtension.cycle_id == cycle.id,
            CycleExtension.organisation_id == organisation_id,
        )
    )


def extend_due_date(
    cycle: ReportingCycle,
    *,
    due_on: date,
    reason: str,
    actor: User,
    organisation: Organisation | None = None,
) -> None:
    """Move the due date for everyone (organisation None) or for one organisation; commits."""
    reason = (reason or "").strip()
    if not reason:
        raise CycleRefused(_l("Please give a reason."))
    if due_on <= cycle.opens_on:
        raise CycleRefused(_l("The due date must be after the opening date."))
    if organisation is None:
        previous = cycle.due_on
        cycle.due_on = due_on
    else:
        if (
            db.session.scalar(
                select(Report.id).where(
                    Report.cycle_id == cycle.id, Report.organisation_id == organisation.id
                )
            )
            is None
        ):
            raise CycleRefused(_l("This organisation has no report in this cycle."))
        extension = _extension(cycle, organisation.id)
        previous = extension.due_on if extension else cycle.due_on
        if extension is None:
            extension = CycleExtension(cycle_id=cycle.id, organisation_id=organisation.id)
            db.session.add(extension)
        extension.due_on = due_on
        extension.reason = reason
        extension.granted_by_id = actor.id
    audit.record(
        "cycle_extended",
        cycle,
        actor=actor,
        organisation_id=organisation.id if organisation else None,
        comment=reason,
        year=cycle.year,
        previous_due_on=previous.isoformat(),
        due_on=due_on.isoformat(),
    )
    db.session.commit()


def close_cycle(cycle: ReportingCycle, *, actor: User) -> None:
    if cycle.is_closed:
        raise CycleRefused(_l("This reporting cycle is already closed."))
    cycle.closed_at = utcnow()
    cycle.closed_by_id = actor.id
    audit.record("cycle_closed", cycle, actor=actor, year=cycle.year)
    db.session.commit()


def reopen_for(
    cycle: ReportingCycle,
    organisation: Organisation,
    *,
    due_on: date,
    reason: str,
    actor: User,
) -> None:
    """Let one organisation submit into a closed cycle until `due_on`; commits."""
    if not cycle.is_closed:
        raise CycleRefused(_l("The cycle is still open; extend the due date instead."))
    reason = (reason or "").strip()
    if not reason:
        raise CycleRefused(_l("Please give a reason."))
    if due_on < utcnow().date():
        raise CycleRefused(_l("The new due date must not be in the past."))
    report = db.session.scalar(
        select(Report).where(Report.cycle_id == cycle.id, Report.organisation_id == organisation.id)
    )
    if report is None:
        raise CycleRefused(_l("This organisation has no report in this cycle."))
    extension = _extension(cycle, organisation.id)
    if extension is None:
        extension = CycleExtension(cycle_id=cycle.id, organisation_id=organisation.id)
        db.session.add(extension)
    extension.due_on = due_on
    extension.reason = reason
    extension.reopened = True
    extension.granted_by_id = actor.id
    audit.record(
        "cycle_reopened",
        cycle,
        actor=actor,
        organisation_id=organisation.id,
        comment=reason,
        year=cycle.year,
        due_on=due_on.isoformat(),
    )
    db.session.commit()


def accepts_submissions(cycle: ReportingCycle, organisation_id: int) -> bool:
    """An open cycle takes reports; a closed one only from organisations it was reopened for."""
    if not cycle.is_closed:
        return True
    extension = _extension(cycle, organisation_id)
    return extension is not None and extension.reopened


# --- where a report stands ----------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """Where a report stands on a day: `state` is one of "submitted_on_time",
    "submitted_late", "open" (not yet due), "overdue" or "non_reporting"."""

    state: str
    due_on: date
    days_left: int | None = None
    days_overdue: int | None = None


SUBMITTED_STATES = frozenset({SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED})


def standing(
    *,
    status: SubmissionStatus,
    submitted_at,
    due_on: date,
    grace_months: int,
    today: date,
) -> Standing:
    """Pure function of the report's facts and the day, so boundaries are easy to test.

    Due on D: on D the report is still on time; from D+1 it is overdue; from D + grace months + 1
    day it is non-reporting. A report sent back for changes counts as submitted for the deadline
    (the partner did report)."""
    if submitted_at is not None and status != SubmissionStatus.DRAFT:
        late = submitted_at.date() > due_on
        return Standing("submitted_late" if late else "submitted_on_time", due_on)
    if today <= due_on:
        return Standing("open", due_on, days_left=(due_on - today).days)
    overdue = (today - due_on).days
    if today > add_months(due_on, grace_months):
        return Standing("non_reporting", due_on, days_overdue=overdue)
    return Standing("overdue", due_on, days_overdue=overdue)


def non_reporting_cutoff(due_on: date, grace_months: int) -> date:
    """The last day before a missing report makes its partner non-reporting."""
    return add_months(due_on, grace_months)
