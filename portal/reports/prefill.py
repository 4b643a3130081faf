"""A new report, pre-filled: the measures of the concept in force, with last year's statuses and
narratives (never last year's figures: those are shown beside the fields, not copied)."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import (
    Concept,
    MeasureProgress,
    MeasureStatus,
    Organisation,
    Report,
    ReportingCycle,
    SubmissionStatus,
)

# Texts carried over from last year's report, to be updated rather than written again.
CARRIED_TEXTS = ("overall_assessment", "challenges", "next_steps")


def concept_in_force(organisation_id: int) -> Concept | None:
    """The approved version with the highest number."""
    return db.session.scalar(
        select(Concept)
        .where(
            Concept.organisation_id == organisation_id,
            Concept.status == SubmissionStatus.APPROVED,
        )
        .order_by(Concept.version_number.desc())
        .options(selectinload(Concept.measures))
        .limit(1)
    )


def previous_report(organisation_id: int, year: int) -> Report | None:
    """The organisation's report of the latest cycle before `year`."""
    return db.session.scalar(
        select(Report)
        .join(ReportingCycle, Report.cycle_id == ReportingCycle.id)
        .where(Report.organisation_id == organisation_id, ReportingCycle.year < year)
        .order_by(ReportingCycle.year.desc())
        .options(selectinload(Report.progress), selectinload(Report.values))
        .limit(1)
    )


def new_report(cycle: ReportingCycle, organisation: Organisation) -> Report:
    """Add a draft report for the organisation in this cycle (the caller commits)."""
    concept = concept_in_force(organisation.id)
    last = previous_report(organisation.id, cycle.year)
    report = Report(
        organisation_id=organisation.id,
        cycle_id=cycle.id,
        concept_id=concept.id if concept else None,
        status=SubmissionStatus.DRAFT,
    )
    if last is not None:
        for name in CARRIED_TEXTS:
            setattr(report, name, getattr(last, name))
    last_progress = {p.lineage_id: p for p in last.progress} if last is not None else {}
    for measure in concept.measures if concept else []:
        before = last_progress.get(measure.lineage_id)
        report.progress.append(
            MeasureProgress(
                measure_id=measure.id,
                lineage_id=measure.lineage_id,
                status=before.status if before else MeasureStatus.NOT_STARTED,
                narrative=before.narrative if before else "",
            )
        )
    db.session.add(report)
    db.session.flush()
    return report
