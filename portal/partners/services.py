"""Read models of the partners blueprint (writes arrive with the partner lifecycle)."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import (
    Concept,
    Measure,
    Organisation,
    Report,
    ReportingCycle,
    SubmissionStatus,
    User,
)


def organisation_overview(organisation: Organisation) -> dict:
    """What the organisation page shows, in a fixed number of queries."""
    users = db.session.scalars(
        select(User).where(User.organisation_id == organisation.id).order_by(User.name)
    ).all()
    concepts = db.session.scalars(
        select(Concept)
        .where(Concept.organisation_id == organisation.id)
        .order_by(Concept.version_number.desc())
        .options(selectinload(Concept.measures).selectinload(Measure.field_of_action))
    ).all()
    in_force = next((c for c in concepts if c.status == SubmissionStatus.APPROVED), None)
    reports = db.session.execute(
        select(Report, ReportingCycle)
        .join(ReportingCycle, Report.cycle_id == ReportingCycle.id)
        .where(Report.organisation_id == organisation.id)
        .order_by(ReportingCycle.year.desc())
    ).all()
    return {
        "users": users,
        "concepts": concepts,
        "concept_in_force": in_force,
        "reports": [report for report, _cycle in reports],
    }
