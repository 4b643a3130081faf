"""Read queries of the ministry's pages: the review queue with its filters and counts, the
network at a glance, and what the review pages of a concept and of a report show. Each runs a
fixed number of SQL statements whatever the amount of data; aggregates are computed in SQL.
Partners that have not reported are in `portal.review.non_reporting`."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, case, func, literal, select, union_all
from sqlalchemy.orm import aliased, joinedload, selectinload

from portal.extensions import db
from portal.models import (
    MINISTRY_ROLES,
    Concept,
    FieldOfAction,
    Indicator,
    Measure,
    Organisation,
    OrganisationStatus,
    Report,
    ReportingCycle,
    SubmissionStatus,
    User,
)
from portal.pagination import RowPagination, paginate_rows  # noqa: F401

# A submission waiting longer than this is flagged on the dashboard.
LONG_WAIT = timedelta(days=14)
QUEUE_STATUSES = (SubmissionStatus.SUBMITTED, SubmissionStatus.CHANGES_REQUESTED)


@dataclass(frozen=True)
class QueueFilters:
    """What the reviewer narrowed the queue down to; empty strings mean "no filter".

    kind: "concept" or "report"; assigned: "me" or "unassigned"; status: "submitted" or
    "changes_requested"; waiting: "long" (more than LONG_WAIT)."""

    kind: str = ""
    assigned: str = ""
    status: str = SubmissionStatus.SUBMITTED.value
    waiting: str = ""


def partners_by_status() -> dict[OrganisationStatus, int]:
    rows = db.session.execute(
        select(Organisation.status, func.count()).group_by(Organisation.status)
    ).all()
    counts = dict.fromkeys(OrganisationStatus, 0)
    counts.update({status: count for status, count in rows})
    return counts


def _queue_rows(statuses=QUEUE_STATUSES):
    """Concepts and reports in one subquery with the columns the queue shows. `since` is when
    the current state began: the submission, or the request for changes."""

    def since(model):
        return case(
            (model.status == SubmissionStatus.CHANGES_REQUESTED, model.changes_requested_at),
            else_=model.submitted_at,
        )

    concepts = select(
        literal("concept").label("kind"),
        Concept.id.label("id"),
        Concept.version_number.label("number"),
        Concept.status.label("status"),
        since(Concept).label("since"),
        Concept.organisation_id.label("organisation_id"),
        Concept.assigned_reviewer_id.label("assigned_reviewer_id"),
    ).where(Concept.status.in_(statuses))
    reports = (
        select(
            literal("report").label("kind"),
            Report.id.label("id"),
            ReportingCycle.year.label("number"),
            Report.status.label("status"),
            since(Report).label("since"),
            Report.organisation_id.label("organisation_id"),
            Report.assigned_reviewer_id.label("assigned_reviewer_id"),
        )
        .join(ReportingCycle, Report.cycle_id == ReportingCycle.id)
        .where(Report.status.in_(statuses))
    )
    return union_all(concepts, reports).subquery("queue")


def review_queue(filters: QueueFilters, viewer: User, now: datetime) -> Select:
    """The statement behind the queue, oldest first; paginate it with db.paginate."""
    status = (
        SubmissionStatus(filters.status)
        if filters.status in {s.value for s in QUEUE_STATUSES}
        else SubmissionStatus.SUBMITTED
    )
    queue = _queue_rows((status,))
    reviewer = aliased(User)
    statement = (
        select(
            queue,
            Organisation.name.label("organisation_name"),
            Organisation.status.label("organisation_status"),
            reviewer.name.label("reviewer_name"),
        )
        .join(Organisation, Organisation.id == queue.c.organisation_id)
        .outerjoin(reviewer, reviewer.id == queue.c.assigned_reviewer_id)
        # A declined application is no longer waiting for anyone.
        .where(Organisation.status != OrganisationStatus.DECLINED)
    )
    if filters.kind in ("concept", "report"):
        statement = statement.where(queue.c.kind == filters.kind)
    if filters.assigned == "me":
        statement = statement.where(queue.c.assigned_reviewer_id == viewer.id)
    elif filters.assigned == "unassigned":
        statement = statement.where(queue.c.assigned_reviewer_id.is_(None))
    if filters.waiting == "long":
        statement = statement.where(queue.c.since <= now - LONG_WAIT)
    return statement.order_by(queue.c.since.asc(), queue.c.kind, queue.c.id)


@dataclass(frozen=True)
class QueueCounts:
    waiting: int
    assigned_to_me: int
    unassigned: int
    waiting_long: int


def queue_counts(viewer: User, now: datetime) -> QueueCounts:
    """How many submitted concepts and reports wait, for the dashboard; one query."""
    queue = _queue_rows((SubmissionStatus.SUBMITTED,))

    def how_many(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = db.session.execute(
        select(
            func.count(),
            how_many(queue.c.assigned_reviewer_id == viewer.id),
            how_many(queue.c.assigned_reviewer_id.is_(None)),
            how_many(queue.c.since <= now - LONG_WAIT),
        )
        .select_from(queue)
        .join(Organisation, Organisation.id == queue.c.organisation_id)
        .where(Organisation.status != OrganisationStatus.DECLINED)
    ).one()
    return QueueCounts(*(int(value) for value in row))


def assignable_reviewers() -> list[User]:
    """Active ministry accounts a submission can be assigned to, by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.role.in_(MINISTRY_ROLES),
                User.is_active_account.is_(True),
                User.password_hash.is_not(None),
            )
            .order_by(User.name, User.id)
        )
    )


def concept_for_review(concept_id: int) -> Concept | None:
    """The concept with what its review page shows, loaded in a fixed number of queries."""
    return db.session.scalar(
        select(Concept)
        .where(Concept.id == concept_id)
        .options(
            selectinload(Concept.measures).selectinload(Measure.field_of_action),
            selectinload(Concept.measures).selectinload(Measure.indicator),
            selectinload(Concept.organisation),
            selectinload(Concept.assigned_reviewer),
        )
    )


def newer_version_exists(concept: Concept) -> bool:
    return (
        db.session.scalar(
            select(Concept.id)
            .where(
                Concept.organisation_id == concept.organisation_id,
                Concept.version_number > concept.version_number,
            )
            .limit(1)
        )
        is not None
    )


def reference_lookups() -> dict:
    """Fields of action and indicators by id, to name those of earlier versions; two queries."""
    return {
        "field_of_action_id": {f.id: f for f in db.session.scalars(select(FieldOfAction))},
        "indicator_id": {i.id: i for i in db.session.scalars(select(Indicator))},
    }


def first_approved_of_applicant(concept: Concept) -> bool:
    """Whether the next step is recording the agreement: the concept is approved and its
    organisation is still an applicant."""
    return (
        concept.status == SubmissionStatus.APPROVED
        and concept.organisation.status == OrganisationStatus.APPLICANT
    )


def report_for_review(report_id: int) -> Report | None:
    """The report with its organisation, cycle and assigned reviewer, in one query; what the
    report itself holds comes from `portal.reports.queries.load_content`."""
    return db.session.scalar(
        select(Report)
        .where(Report.id == report_id)
        .options(
            joinedload(Report.organisation),
            joinedload(Report.cycle),
            joinedload(Report.assigned_reviewer),
        )
    )
