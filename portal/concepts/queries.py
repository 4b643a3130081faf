"""Read models of the concepts blueprint: versions, measures, comment threads, history.

Every function runs a fixed number of queries, whatever the number of versions, measures or
history entries."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, func, not_, select
from sqlalchemy.orm import joinedload, selectinload

from portal import comments, policy
from portal.extensions import db
from portal.i18n import localized
from portal.models import (
    AuditEntry,
    Concept,
    FieldOfAction,
    Indicator,
    Measure,
    Role,
    SubmissionStatus,
    User,
)

# What a partner reads in the history; the ministry reads every entry (e.g. assignments).
PARTNER_HISTORY_ACTIONS = (
    "concept_started",
    "concept_amended",
    "measure_added",
    "measure_removed",
    "submit",
    "withdraw",
    "approve",
    "request_changes",
    "reopen",
    "comment_added",
)
HISTORY_PER_PAGE = 25


@dataclass
class Versions:
    """An organisation's concept: the version in force and the one being worked on."""

    in_force: Concept | None
    working: Concept | None
    measure_counts: dict[int, int]
    count: int


def versions_of(organisation_id: int) -> Versions:
    """The approved version with the highest number is in force; a newer version that is not
    approved (draft, submitted, changes requested) is the one being worked on. Two queries."""
    concepts = db.session.scalars(
        select(Concept)
        .where(Concept.organisation_id == organisation_id)
        .order_by(Concept.version_number.desc())
    ).all()
    in_force = next((c for c in concepts if c.status == SubmissionStatus.APPROVED), None)
    latest = concepts[0] if concepts else None
    working = latest if latest is not None and latest is not in_force else None
    shown = [c.id for c in (in_force, working) if c is not None]
    counts = dict(
        db.session.execute(
            select(Measure.concept_id, func.count())
            .where(Measure.concept_id.in_(shown))
            .group_by(Measure.concept_id)
        ).all()
    )
    return Versions(in_force, working, counts, len(concepts))


def unfinished_newer_version(concept: Concept) -> Concept | None:
    """A version newer than `concept` that is not approved yet (blocks another amendment)."""
    return db.session.scalar(
        select(Concept).where(
            Concept.organisation_id == concept.organisation_id,
            Concept.version_number > concept.version_number,
            Concept.status != SubmissionStatus.APPROVED,
        )
    )


def partner_admins(organisation_id: int) -> list[User]:
    """Who can submit: the organisation's active partner admins."""
    return db.session.scalars(
        select(User)
        .where(
            User.organisation_id == organisation_id,
            User.role == Role.PARTNER_ADMIN,
            User.is_active_account.is_(True),
        )
        .order_by(User.name)
    ).all()


def measures_of(concept: Concept) -> list[Measure]:
    """The measures in order, with field of action and indicator: one query."""
    return db.session.scalars(
        select(Measure)
        .where(Measure.concept_id == concept.id)
        .order_by(Measure.position, Measure.id)
        .options(
            joinedload(Measure.field_of_action),
            joinedload(Measure.indicator).joinedload(Indicator.part_of),
        )
    ).all()


def threads_by_lineage(concept: Concept, viewer, measures=None) -> dict:
    """The comment threads the viewer may read (portal.comments hides internal ones from
    partners), by measure lineage; None holds those on the concept as a whole. Threads about a
    measure no longer in `measures` go to None, so they are not lost from sight."""
    lineages = None if measures is None else {m.lineage_id for m in measures}
    grouped: dict = defaultdict(list)
    for thread in comments.comments_for(concept, viewer):
        key = thread.comment.measure_lineage_id
        if lineages is not None and key not in lineages:
            key = None
        grouped[key].append(thread)
    return dict(grouped)


def field_of_action_choices(current_id: int | None = None) -> list[tuple]:
    """Active fields of action (and the measure's own, should an admin have retired it)."""
    rows = db.session.scalars(
        select(FieldOfAction)
        .where((FieldOfAction.is_active.is_(True)) | (FieldOfAction.id == (current_id or -1)))
        .order_by(FieldOfAction.position, FieldOfAction.id)
    ).all()
    return [(f, localized(f)) for f in rows]


def indicator_choices(current_id: int | None = None) -> list[tuple]:
    """Active key figures; a "part of" figure names its whole ("Employees in total: of whom
    with immigration history"), as the name alone would be ambiguous."""
    rows = db.session.scalars(
        select(Indicator)
        .where((Indicator.is_active.is_(True)) | (Indicator.id == (current_id or -1)))
        .order_by(Indicator.position, Indicator.id)
        .options(joinedload(Indicator.part_of))
    ).all()
    return [(i, indicator_name(i)) for i in rows]


def indicator_name(indicator: Indicator) -> str:
    if indicator.part_of is not None:
        return f"{localized(indicator.part_of)}: {localized(indicator)}"
    return localized(indicator)


def history(organisation_id: int, viewer, page: int = 1):
    """The organisation's concept history from the audit log, newest first, paginated; plus all
    versions. Partners never see internal comments (nor entries only the ministry needs)."""
    concept_ids = select(Concept.id).where(Concept.organisation_id == organisation_id)
    query = (
        select(AuditEntry)
        .where(AuditEntry.object_type == "concept", AuditEntry.object_id.in_(concept_ids))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .options(selectinload(AuditEntry.actor))
    )
    if not policy.is_ministry(viewer):
        query = query.where(
            AuditEntry.action.in_(PARTNER_HISTORY_ACTIONS),
            # An internal comment leaves an entry with an empty (partner-facing) comment.
            not_(and_(AuditEntry.action == "comment_added", AuditEntry.comment == "")),
        )
    entries = db.paginate(query, page=page, per_page=HISTORY_PER_PAGE, error_out=False)
    versions = db.session.scalars(
        select(Concept)
        .where(Concept.organisation_id == organisation_id)
        .order_by(Concept.version_number.desc())
    ).all()
    return entries, versions
