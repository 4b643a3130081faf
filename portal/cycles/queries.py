"""Read queries of the ministry's cycle pages: the list of cycles, and a cycle's overview with
where each report stands, its counts and rates.

Where a report stands ("standing", see `portal.reports.cycles.standing`) is computed in SQL as
one CASE expression, so the overview can count, filter, sort and paginate by it in the database.
Every function runs a fixed number of SQL statements, whatever the number of organisations."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Date, Select, and_, case, func, literal, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

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
)
from portal.pagination import RowPagination, paginate_rows  # noqa: F401
from portal.reports.cycles import add_months

# The standings, worst first (the order of the "standing" sort).
STANDINGS = ("non_reporting", "overdue", "open", "submitted_late", "submitted_on_time")
NOT_SUBMITTED = ("open", "overdue", "non_reporting")
# What the overview can be narrowed down to: one standing, or every report not submitted yet.
STANDING_FILTERS = (*STANDINGS, "not_submitted")
SORT_ORDERS = ("name", "standing", "due_on", "submitted")


class day_of(FunctionElement):  # noqa: N801 - used like an SQL function
    """The calendar day of a time stamp, comparable with a Date column on every database."""

    type = Date()
    name = "day_of"
    inherit_cache = True


@compiles(day_of)
def _day_of(element, compiler, **kw):
    return f"CAST({compiler.process(element.clauses, **kw)} AS DATE)"


@compiles(day_of, "sqlite")
def _day_of_sqlite(element, compiler, **kw):
    # SQLite keeps time stamps as text; CAST(... AS DATE) would give a number there.
    return f"date({compiler.process(element.clauses, **kw)})"


def latest_non_reporting_due_date(today: date, grace_months: int) -> date:
    """The latest due date whose missing report makes a partner non-reporting on `today`:
    non-reporting means today > add_months(due, grace), and add_months grows with the due date,
    so it holds exactly for the due dates up to this day. Computed here because month
    arithmetic differs from database to database."""
    day = add_months(today, -grace_months)
    while add_months(day, grace_months) >= today:
        day -= timedelta(days=1)
    while add_months(day + timedelta(days=1), grace_months) < today:
        day += timedelta(days=1)
    return day


def _extension_join():
    return and_(
        CycleExtension.cycle_id == Report.cycle_id,
        CycleExtension.organisation_id == Report.organisation_id,
    )


def due_expression(cycle: ReportingCycle):
    """The report's due date: the organisation's own extension, else the cycle's."""
    return func.coalesce(CycleExtension.due_on, literal(cycle.due_on, Date))


def submitted_expression():
    """The partner did report (a report sent back for changes counts, a withdrawn one not)."""
    return and_(Report.submitted_at.is_not(None), Report.status != SubmissionStatus.DRAFT)


def standing_expression(cycle: ReportingCycle, today: date):
    """SQL twin of `portal.reports.cycles.standing` (tests keep the two in step)."""
    due = due_expression(cycle)
    submitted = submitted_expression()
    return case(
        (and_(submitted, day_of(Report.submitted_at) > due), "submitted_late"),
        (submitted, "submitted_on_time"),
        (due >= today, "open"),
        (due <= latest_non_reporting_due_date(today, cycle.grace_months), "non_reporting"),
        else_="overdue",
    )


# --- the list of cycles -------------------------------------------------------------------------


def cycles_with_counts() -> Select:
    """Rows (cycle, reports, submitted), newest year first."""
    submitted = case((submitted_expression(), 1), else_=0)
    return (
        select(
            ReportingCycle,
            func.count(Report.id).label("reports"),
            func.coalesce(func.sum(submitted), 0).label("submitted"),
        )
        .outerjoin(Report, Report.cycle_id == ReportingCycle.id)
        .group_by(ReportingCycle.id)
        .order_by(ReportingCycle.year.desc())
    )


def cycle_by_year(year: int) -> ReportingCycle | None:
    return db.session.scalar(select(ReportingCycle).where(ReportingCycle.year == year))


def year_taken(year: int) -> bool:
    return (
        db.session.scalar(select(ReportingCycle.id).where(ReportingCycle.year == year)) is not None
    )


def partners_owing_a_report(year: int) -> Select:
    """Active partners whose agreement was signed before the year ended: the same rule as
    `portal.reports.cycles.open_cycle` (a test keeps the two in step)."""
    return (
        select(Organisation)
        .join(Agreement, Agreement.organisation_id == Organisation.id)
        .where(
            Organisation.status == OrganisationStatus.ACTIVE,
            Agreement.signed_on <= date(year, 12, 31),
        )
        .order_by(Organisation.name)
    )


def count_partners_owing_a_report(year: int) -> int:
    statement = partners_owing_a_report(year).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(statement))


# --- a cycle's overview -------------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewFilters:
    """What the reviewer narrowed the overview down to; empty strings mean "no filter"."""

    q: str = ""
    standing: str = ""
    sort: str = "name"


@dataclass(frozen=True)
class OverviewRow:
    """One organisation's line in the overview."""

    report_id: int
    organisation_id: int
    organisation_name: str
    status: SubmissionStatus
    submitted_on: date | None
    due_on: date
    extended: bool
    reopened: bool
    extension_reason: str
    standing: str
    days_overdue: int | None
    days_left: int | None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def overview_statement(cycle: ReportingCycle, filters: OverviewFilters, today: date) -> Select:
    """The overview's rows of one cycle, filtered and sorted; paginate with `paginate_rows`."""
    standing = standing_expression(cycle, today)
    due = due_expression(cycle)
    submitted_at = case((submitted_expression(), Report.submitted_at), else_=None)
    statement = (
        select(
            Report.id.label("report_id"),
            Report.status.label("status"),
            submitted_at.label("submitted_at"),
            Organisation.id.label("organisation_id"),
            Organisation.name.label("organisation_name"),
            CycleExtension.due_on.label("extended_to"),
            CycleExtension.reopened.label("reopened"),
            CycleExtension.reason.label("extension_reason"),
            standing.label("standing"),
        )
        .select_from(Report)
        .join(Organisation, Organisation.id == Report.organisation_id)
        .outerjoin(CycleExtension, _extension_join())
        .where(Report.cycle_id == cycle.id)
    )
    if filters.q:
        statement = statement.where(
            Organisation.name.ilike(f"%{_escape_like(filters.q)}%", escape="\\")
        )
    if filters.standing == "not_submitted":
        statement = statement.where(standing.in_(NOT_SUBMITTED))
    elif filters.standing in STANDINGS:
        statement = statement.where(standing == filters.standing)
    name = (func.lower(Organisation.name), Organisation.id)
    if filters.sort == "standing":
        rank = case({state: position for position, state in enumerate(STANDINGS)}, value=standing)
        order = (rank, due, *name)
    elif filters.sort == "due_on":
        order = (due, *name)
    elif filters.sort == "submitted":
        order = (submitted_at.is_(None), submitted_at.desc(), *name)
    else:
        order = name
    return statement.order_by(*order)


def overview_row(row, cycle: ReportingCycle, today: date) -> OverviewRow:
    """A result row with the day counts worked out (no query)."""
    due_on = row.extended_to or cycle.due_on
    submitted_at = row.submitted_at
    if isinstance(submitted_at, str):  # a CASE over a time stamp comes back as text on SQLite
        submitted_at = datetime.fromisoformat(submitted_at)
    late = row.standing in ("overdue", "non_reporting")
    return OverviewRow(
        report_id=row.report_id,
        organisation_id=row.organisation_id,
        organisation_name=row.organisation_name,
        status=SubmissionStatus(row.status),
        submitted_on=submitted_at.date() if submitted_at else None,
        due_on=due_on,
        extended=row.extended_to is not None,
        reopened=bool(row.reopened),
        extension_reason=row.extension_reason or "",
        standing=row.standing,
        days_overdue=(today - due_on).days if late else None,
        days_left=(due_on - today).days if row.standing == "open" else None,
    )


@dataclass(frozen=True)
class CycleCounts:
    """How the reports of a cycle stand, counted in SQL."""

    total: int
    submitted_on_time: int
    submitted_late: int
    open: int
    overdue: int
    non_reporting: int

    @property
    def missing(self) -> int:
        """Not submitted (yet): not yet due, overdue or non-reporting."""
        return self.open + self.overdue + self.non_reporting

    @property
    def submitted(self) -> int:
        return self.submitted_on_time + self.submitted_late

    def rate(self, count: int) -> float | None:
        """`count` as a percentage of all reports; None for a cycle without reports."""
        return round(100 * count / self.total, 1) if self.total else None


def cycle_counts(cycle: ReportingCycle, today: date) -> CycleCounts:
    standing = standing_expression(cycle, today)
    sums = [
        func.coalesce(func.sum(case((standing == state, 1), else_=0)), 0) for state in STANDINGS
    ]
    row = db.session.execute(
        select(func.count(Report.id), *sums)
        .select_from(Report)
        .outerjoin(CycleExtension, _extension_join())
        .where(Report.cycle_id == cycle.id)
    ).one()
    total, *by_state = row
    return CycleCounts(total=total, **dict(zip(STANDINGS, by_state, strict=True)))


def organisations_in_cycle(cycle: ReportingCycle) -> list[tuple[int, str]]:
    """(id, name) of every organisation with a report in the cycle, by name: the choices of the
    extension and reopening forms."""
    return list(
        db.session.execute(
            select(Organisation.id, Organisation.name)
            .join(Report, Report.organisation_id == Organisation.id)
            .where(Report.cycle_id == cycle.id)
            .order_by(func.lower(Organisation.name), Organisation.id)
        ).all()
    )


# --- reminders ----------------------------------------------------------------------------------


def _still_to_report(cycle: ReportingCycle):
    """Reports not submitted whose organisation can still submit: in an open cycle everyone, in
    a closed one those it was reopened for. Partners that left the network are not asked."""
    can_submit = true() if not cycle.is_closed else CycleExtension.reopened.is_(True)
    return and_(
        Report.cycle_id == cycle.id,
        ~submitted_expression(),
        Organisation.status != OrganisationStatus.LEFT,
        can_submit,
    )


def _reminder_reports(cycle: ReportingCycle) -> Select:
    return (
        select(Report.id)
        .select_from(Report)
        .join(Organisation, Organisation.id == Report.organisation_id)
        .outerjoin(CycleExtension, _extension_join())
        .where(_still_to_report(cycle))
    )


def _admin_of_report():
    return and_(
        User.organisation_id == Report.organisation_id,
        User.role == Role.PARTNER_ADMIN,
        User.is_active_account.is_(True),
    )


@dataclass(frozen=True)
class ReminderPlan:
    organisations: int
    recipients: int
    organisations_without_admin: int


def reminder_plan(cycle: ReportingCycle) -> ReminderPlan:
    """Who a reminder would reach, counted in one statement."""
    reports = _reminder_reports(cycle)
    has_admin = select(User.id).where(_admin_of_report()).exists()
    recipients = (
        select(func.count(User.id))
        .select_from(Report)
        .join(Organisation, Organisation.id == Report.organisation_id)
        .join(User, _admin_of_report())
        .outerjoin(CycleExtension, _extension_join())
        .where(_still_to_report(cycle))
    )
    row = db.session.execute(
        select(
            select(func.count()).select_from(reports.subquery()).scalar_subquery(),
            recipients.scalar_subquery(),
            select(func.count())
            .select_from(reports.where(~has_admin).subquery())
            .scalar_subquery(),
        )
    ).one()
    return ReminderPlan(*row)


def reminder_recipients(cycle: ReportingCycle) -> list[tuple[User, Report, Organisation, date]]:
    """(partner admin, report, organisation, due date) for every report still to be written."""
    rows = db.session.execute(
        select(User, Report, Organisation, CycleExtension.due_on)
        .select_from(Report)
        .join(Organisation, Organisation.id == Report.organisation_id)
        .join(User, _admin_of_report())
        .outerjoin(CycleExtension, _extension_join())
        .where(_still_to_report(cycle))
        .order_by(func.lower(Organisation.name), User.id)
    ).all()
    return [(user, report, org, extended or cycle.due_on) for user, report, org, extended in rows]
