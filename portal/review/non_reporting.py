"""Partners behind with their annual reports, for the ministry's start page: every report of
any cycle that is non-reporting today, and per cycle how many reports are overdue or
non-reporting.

Where a report stands is the rule of `portal.reports.cycles.standing`, in SQL across all
cycles at once: each row's due date is its organisation's extension or its cycle's due date, and
the last due date that makes a missing report non-reporting today depends only on the cycle's
grace period, so it is looked up per grace period (one small query for the periods in use).
Partners that have left the network are not listed: nobody expects a report from them any more.
Each function runs a fixed number of SQL statements, whatever the number of organisations."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, and_, case, false, func, select

from portal.cycles.queries import latest_non_reporting_due_date, submitted_expression
from portal.extensions import db
from portal.models import (
    CycleExtension,
    Organisation,
    OrganisationStatus,
    Report,
    ReportingCycle,
    SubmissionStatus,
)
from portal.reports.cycles import non_reporting_cutoff

GONE = (OrganisationStatus.LEFT, OrganisationStatus.DECLINED)


def _due():
    return func.coalesce(CycleExtension.due_on, ReportingCycle.due_on)


def _non_reporting_condition(today: date):
    """A missing report's due date is on or before the last one that makes it non-reporting."""
    periods = db.session.scalars(select(ReportingCycle.grace_months).distinct()).all()
    if not periods:
        return false()
    last_due = case(
        {months: latest_non_reporting_due_date(today, months) for months in periods},
        value=ReportingCycle.grace_months,
    )
    return _due() <= last_due


def _missing_reports():
    """Reports, with their cycle, organisation and extension joined, that were not submitted
    (a report sent back for changes counts as submitted, a withdrawn one does not), of partners
    still in the network."""
    return (
        select()
        .select_from(Report)
        .join(ReportingCycle, ReportingCycle.id == Report.cycle_id)
        .join(Organisation, Organisation.id == Report.organisation_id)
        .outerjoin(
            CycleExtension,
            and_(
                CycleExtension.cycle_id == Report.cycle_id,
                CycleExtension.organisation_id == Report.organisation_id,
            ),
        )
        .where(~submitted_expression(), Organisation.status.not_in(GONE))
    )


@dataclass(frozen=True)
class NonReportingRow:
    """A report that is non-reporting today: whose, which cycle, since when."""

    report_id: int
    organisation_id: int
    organisation_name: str
    organisation_status: OrganisationStatus
    year: int
    cycle_closed: bool
    status: SubmissionStatus
    due_on: date
    extended: bool
    days_overdue: int
    non_reporting_since: date


def non_reporting_statement(today: date) -> Select:
    """Every non-reporting report, longest overdue first; paginate it with
    `portal.review.queries.paginate_rows` and turn the rows into NonReportingRow with
    `non_reporting_row`."""
    due = _due()
    return (
        _missing_reports()
        .add_columns(
            Report.id.label("report_id"),
            Report.status.label("status"),
            Organisation.id.label("organisation_id"),
            Organisation.name.label("organisation_name"),
            Organisation.status.label("organisation_status"),
            ReportingCycle.year.label("year"),
            ReportingCycle.closed_at.label("closed_at"),
            ReportingCycle.grace_months.label("grace_months"),
            due.label("due_on"),
            CycleExtension.id.label("extension_id"),
        )
        .where(_non_reporting_condition(today))
        .order_by(due, func.lower(Organisation.name), ReportingCycle.year, Report.id)
    )


def non_reporting_row(row, today: date) -> NonReportingRow:
    due_on = row.due_on
    if isinstance(due_on, str):  # COALESCE over dates comes back as text on SQLite
        due_on = date.fromisoformat(due_on)
    return NonReportingRow(
        report_id=row.report_id,
        organisation_id=row.organisation_id,
        organisation_name=row.organisation_name,
        organisation_status=OrganisationStatus(row.organisation_status),
        year=row.year,
        cycle_closed=row.closed_at is not None,
        status=SubmissionStatus(row.status),
        due_on=due_on,
        extended=row.extension_id is not None,
        days_overdue=(today - due_on).days,
        non_reporting_since=non_reporting_cutoff(due_on, row.grace_months) + timedelta(days=1),
    )


@dataclass(frozen=True)
class CycleBehind:
    """How many reports of one cycle are overdue (within the grace period) or non-reporting."""

    year: int
    closed: bool
    overdue: int
    non_reporting: int


def cycles_behind(today: date) -> list[CycleBehind]:
    """The cycles with at least one overdue or non-reporting report, newest first; two queries
    (the grace periods, then the counts)."""
    non_reporting = _non_reporting_condition(today)
    overdue = and_(_due() < today, ~non_reporting)

    def how_many(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    overdue_count = how_many(overdue)
    non_reporting_count = how_many(non_reporting)
    rows = db.session.execute(
        _missing_reports()
        .add_columns(
            ReportingCycle.year,
            ReportingCycle.closed_at,
            overdue_count,
            non_reporting_count,
        )
        .group_by(ReportingCycle.id, ReportingCycle.year, ReportingCycle.closed_at)
        .having(overdue_count + non_reporting_count > 0)
        .order_by(ReportingCycle.year.desc())
    ).all()
    return [
        CycleBehind(year, closed_at is not None, int(late), int(missing))
        for year, closed_at, late, missing in rows
    ]
