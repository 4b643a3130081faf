"""Read queries of the ministry's network overview: every organisation with its open submissions
and its last report, and the number of organisations per status. A fixed number of SQL
statements whatever the number of organisations: the aggregates are correlated subqueries."""

from dataclasses import dataclass

from sqlalchemy import Select, func, select

from portal.extensions import db
from portal.models import (
    Concept,
    Organisation,
    OrganisationStatus,
    Report,
    ReportingCycle,
    Sector,
    SubmissionStatus,
)
from portal.pagination import RowPagination, paginate_rows  # noqa: F401

SORT_ORDERS = ("name", "member_number", "status_changed")
OPEN_STATUSES = (SubmissionStatus.SUBMITTED, SubmissionStatus.CHANGES_REQUESTED)


@dataclass(frozen=True)
class NetworkFilters:
    """What the reviewer narrowed the list down to; empty strings mean "no filter"."""

    q: str = ""
    status: str = ""
    sector: str = ""
    regierungsbezirk: str = ""
    sort: str = "name"


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _narrowed(statement: Select, filters: NetworkFilters, *, by_status: bool = True) -> Select:
    if filters.q:
        statement = statement.where(
            Organisation.name.ilike(f"%{_escape_like(filters.q)}%", escape="\\")
        )
    if by_status and filters.status in {status.value for status in OrganisationStatus}:
        statement = statement.where(Organisation.status == OrganisationStatus(filters.status))
    if filters.sector in {sector.value for sector in Sector}:
        statement = statement.where(Organisation.sector == Sector(filters.sector))
    if filters.regierungsbezirk:
        statement = statement.where(Organisation.regierungsbezirk == filters.regierungsbezirk)
    return statement


def _open_count(model):
    return (
        select(func.count(model.id))
        .where(model.organisation_id == Organisation.id, model.status.in_(OPEN_STATUSES))
        .correlate(Organisation)
        .scalar_subquery()
    )


def _last_report(column):
    """`column` of the organisation's report for the latest cycle year."""
    return (
        select(column)
        .select_from(Report)
        .join(ReportingCycle, Report.cycle_id == ReportingCycle.id)
        .where(Report.organisation_id == Organisation.id)
        .order_by(ReportingCycle.year.desc())
        .limit(1)
        .correlate(Organisation)
        .scalar_subquery()
    )


def network_organisations(filters: NetworkFilters) -> Select:
    """Rows (organisation, open_submissions, last_report_year, last_report_status), filtered
    and sorted; paginate with `paginate_rows`."""
    statement = select(
        Organisation,
        (_open_count(Concept) + _open_count(Report)).label("open_submissions"),
        _last_report(ReportingCycle.year).label("last_report_year"),
        _last_report(Report.status).label("last_report_status"),
    )
    statement = _narrowed(statement, filters)
    if filters.sort == "member_number":
        # Applicants have no number yet: they come last, by name.
        order = (
            Organisation.member_number.is_(None),
            Organisation.member_number,
            func.lower(Organisation.name),
        )
    elif filters.sort == "status_changed":
        order = (Organisation.status_changed_at.desc(), Organisation.id.desc())
    else:
        order = (func.lower(Organisation.name), Organisation.id)
    return statement.order_by(*order)


def counts_by_status(filters: NetworkFilters) -> dict[OrganisationStatus, int]:
    """How many organisations of each status match the search and the other filters (the
    status filter itself is left out, so every status can be chosen from the counts)."""
    statement = _narrowed(
        select(Organisation.status, func.count(Organisation.id)), filters, by_status=False
    ).group_by(Organisation.status)
    counts = dict.fromkeys(OrganisationStatus, 0)
    counts.update({status: count for status, count in db.session.execute(statement).all()})
    return counts
