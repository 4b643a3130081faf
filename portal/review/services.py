"""Read models for the ministry's start page; aggregates computed in SQL."""

from sqlalchemy import func, literal, select, union_all

from portal.extensions import db
from portal.models import Concept, Organisation, OrganisationStatus, Report, SubmissionStatus


def partners_by_status() -> dict[OrganisationStatus, int]:
    rows = db.session.execute(
        select(Organisation.status, func.count()).group_by(Organisation.status)
    ).all()
    counts = dict.fromkeys(OrganisationStatus, 0)
    counts.update({status: count for status, count in rows})
    return counts


def review_queue(limit: int = 50) -> list:
    """Submitted concepts and reports, oldest first: one query whatever their number."""
    concepts = select(
        literal("concept").label("kind"),
        Concept.id.label("id"),
        Concept.version_number.label("number"),
        Concept.submitted_at.label("submitted_at"),
        Concept.organisation_id.label("organisation_id"),
    ).where(Concept.status == SubmissionStatus.SUBMITTED)
    reports = select(
        literal("report").label("kind"),
        Report.id.label("id"),
        Report.cycle_id.label("number"),
        Report.submitted_at.label("submitted_at"),
        Report.organisation_id.label("organisation_id"),
    ).where(Report.status == SubmissionStatus.SUBMITTED)
    queue = union_all(concepts, reports).subquery()
    return db.session.execute(
        select(queue, Organisation.name.label("organisation_name"))
        .join(Organisation, Organisation.id == queue.c.organisation_id)
        .order_by(queue.c.submitted_at.asc())
        .limit(limit)
    ).all()
