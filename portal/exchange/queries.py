"""Read queries of the members' area. Every function runs a fixed number of SQL statements,
whatever the number of organisations, measures and reports."""

from dataclasses import dataclass

from sqlalchemy import Select, String, func, literal, null, or_, select, union_all
from sqlalchemy.orm import aliased

from portal.extensions import db
from portal.models import (
    Concept,
    FieldOfAction,
    Measure,
    MeasureProgress,
    Organisation,
    OrganisationStatus,
    Report,
    ReportingCycle,
    Sector,
    SubmissionStatus,
    User,
)


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def concepts_in_force():
    """A subquery (id, organisation_id) of each organisation's concept in force: its approved
    version with the highest number."""
    ranked = select(
        Concept.id,
        Concept.organisation_id,
        func.row_number()
        .over(partition_by=Concept.organisation_id, order_by=Concept.version_number.desc())
        .label("rank"),
    ).where(Concept.status == SubmissionStatus.APPROVED)
    ranked = ranked.subquery()
    return select(ranked.c.id, ranked.c.organisation_id).where(ranked.c.rank == 1).subquery()


def _members():
    return select(Organisation).where(Organisation.status == OrganisationStatus.ACTIVE)


# --- directory ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    sector: str = ""
    regierungsbezirk: str = ""
    field_of_action: int | None = None


def directory(filters: DirectoryFilters) -> Select:
    """Active partners, filtered; search runs over name, description and the titles of the
    measures in force. Paginate with db.paginate."""
    statement = _members()
    in_force = concepts_in_force()
    if filters.q:
        pattern = f"%{escape_like(filters.q)}%"
        measure_match = (
            select(in_force.c.organisation_id)
            .join(Measure, Measure.concept_id == in_force.c.id)
            .where(Measure.title.ilike(pattern, escape="\\"))
        )
        statement = statement.where(
            or_(
                Organisation.name.ilike(pattern, escape="\\"),
                Organisation.description.ilike(pattern, escape="\\"),
                Organisation.id.in_(measure_match),
            )
        )
    if filters.sector in {sector.value for sector in Sector}:
        statement = statement.where(Organisation.sector == Sector(filters.sector))
    if filters.regierungsbezirk:
        statement = statement.where(Organisation.regierungsbezirk == filters.regierungsbezirk)
    if filters.field_of_action:
        with_field = (
            select(in_force.c.organisation_id)
            .join(Measure, Measure.concept_id == in_force.c.id)
            .where(Measure.field_of_action_id == filters.field_of_action)
        )
        statement = statement.where(Organisation.id.in_(with_field))
    return statement.order_by(func.lower(Organisation.name), Organisation.id)


def fields_by_organisation(organisation_ids: list[int]) -> dict[int, list[FieldOfAction]]:
    """The distinct fields of action of each organisation's measures in force; one query."""
    if not organisation_ids:
        return {}
    in_force = concepts_in_force()
    rows = db.session.execute(
        select(in_force.c.organisation_id, FieldOfAction)
        .join(Measure, Measure.concept_id == in_force.c.id)
        .join(FieldOfAction, FieldOfAction.id == Measure.field_of_action_id)
        .where(in_force.c.organisation_id.in_(organisation_ids))
        .distinct()
        .order_by(in_force.c.organisation_id, FieldOfAction.position, FieldOfAction.id)
    ).all()
    result: dict[int, list[FieldOfAction]] = {}
    for organisation_id, field in rows:
        result.setdefault(organisation_id, []).append(field)
    return result


def contacts_by_organisation(organisation_ids: list[int]) -> dict[int, list[User]]:
    """The contact persons of each organisation (active accounts); one query."""
    if not organisation_ids:
        return {}
    users = db.session.scalars(
        select(User)
        .where(
            User.organisation_id.in_(organisation_ids),
            User.is_contact_person.is_(True),
            User.is_active_account.is_(True),
        )
        .order_by(User.name)
    ).all()
    result: dict[int, list[User]] = {}
    for user in users:
        result.setdefault(user.organisation_id, []).append(user)
    return result


def member(organisation_id: int) -> Organisation | None:
    return db.session.scalar(_members().where(Organisation.id == organisation_id))


def measures_in_force(organisation_id: int) -> list[Measure]:
    in_force = concepts_in_force()
    return list(
        db.session.scalars(
            select(Measure)
            .join(in_force, Measure.concept_id == in_force.c.id)
            .where(in_force.c.organisation_id == organisation_id)
            .order_by(Measure.position, Measure.id)
        )
    )


@dataclass(frozen=True)
class Peer:
    organisation: Organisation
    shared: int


def peers(organisation_id: int, limit: int = 10) -> list[Peer]:
    """Active partners with measures in the same fields of action, most shared fields first;
    one query."""
    in_force = concepts_in_force()
    mine = (
        select(Measure.field_of_action_id)
        .join(in_force, Measure.concept_id == in_force.c.id)
        .where(in_force.c.organisation_id == organisation_id)
    )
    other_in_force = concepts_in_force()
    shared = func.count(func.distinct(Measure.field_of_action_id)).label("shared")
    rows = db.session.execute(
        select(Organisation, shared)
        .join(other_in_force, other_in_force.c.organisation_id == Organisation.id)
        .join(Measure, Measure.concept_id == other_in_force.c.id)
        .where(
            Organisation.status == OrganisationStatus.ACTIVE,
            Organisation.id != organisation_id,
            Measure.field_of_action_id.in_(mine),
        )
        .group_by(Organisation.id)
        .order_by(shared.desc(), func.lower(Organisation.name), Organisation.id)
        .limit(limit)
    ).all()
    return [Peer(organisation, count) for organisation, count in rows]


# --- good-practice library ----------------------------------------------------------------------


@dataclass(frozen=True)
class LibraryFilters:
    q: str = ""
    field_of_action: int | None = None


def _shared_measures():
    in_force = concepts_in_force()
    approved = aliased(Concept)
    return (
        select(
            literal("measure").label("kind"),
            Measure.id.label("id"),
            Measure.title.label("title"),
            Measure.description.label("text"),
            Measure.field_of_action_id.label("field_of_action_id"),
            Organisation.id.label("organisation_id"),
            Organisation.name.label("organisation_name"),
            approved.approved_at.label("shared_at"),
            null().cast(String).label("year"),
        )
        .join(in_force, Measure.concept_id == in_force.c.id)
        .join(approved, approved.id == in_force.c.id)
        .join(Organisation, Organisation.id == in_force.c.organisation_id)
        .where(
            Measure.share_as_good_practice.is_(True),
            Organisation.status == OrganisationStatus.ACTIVE,
        )
    )


def _shared_stories():
    return (
        select(
            literal("story").label("kind"),
            Report.id.label("id"),
            literal("").label("title"),
            Report.good_practice_story.label("text"),
            null().label("field_of_action_id"),
            Organisation.id.label("organisation_id"),
            Organisation.name.label("organisation_name"),
            Report.approved_at.label("shared_at"),
            ReportingCycle.year.cast(String).label("year"),
        )
        .join(Organisation, Organisation.id == Report.organisation_id)
        .join(ReportingCycle, ReportingCycle.id == Report.cycle_id)
        .where(
            Report.status == SubmissionStatus.APPROVED,
            Report.share_story.is_(True),
            Report.good_practice_story != "",
            Organisation.status == OrganisationStatus.ACTIVE,
        )
    )


def library(filters: LibraryFilters) -> Select:
    """Shared measures of concepts in force and shared stories of approved reports, newest
    first. A field-of-action filter narrows to measures of that field; stories have none.
    Paginate with db.paginate (rows, not objects)."""
    measures = _shared_measures()
    stories = _shared_stories()
    if filters.q:
        pattern = f"%{escape_like(filters.q)}%"
        measures = measures.where(
            or_(
                Measure.title.ilike(pattern, escape="\\"),
                Measure.description.ilike(pattern, escape="\\"),
                Organisation.name.ilike(pattern, escape="\\"),
            )
        )
        stories = stories.where(
            or_(
                Report.good_practice_story.ilike(pattern, escape="\\"),
                Organisation.name.ilike(pattern, escape="\\"),
            )
        )
    if filters.field_of_action:
        measures = measures.where(Measure.field_of_action_id == filters.field_of_action)
        entries = measures.subquery()
    else:
        entries = union_all(measures, stories).subquery()
    return select(entries).order_by(
        entries.c.shared_at.desc().nulls_last(), entries.c.kind, entries.c.id.desc()
    )


def shared_measure(measure_id: int):
    """(measure, organisation) of a shared measure in force, or None."""
    row = db.session.execute(
        _shared_measures().with_only_columns(Measure, Organisation).where(Measure.id == measure_id)
    ).first()
    return row


def latest_progress(lineage_id: str, organisation_id: int):
    """The progress reported on a measure in the organisation's latest approved report:
    (MeasureProgress, year) or None."""
    return db.session.execute(
        select(MeasureProgress, ReportingCycle.year)
        .join(Report, Report.id == MeasureProgress.report_id)
        .join(ReportingCycle, ReportingCycle.id == Report.cycle_id)
        .where(
            MeasureProgress.lineage_id == lineage_id,
            Report.organisation_id == organisation_id,
            Report.status == SubmissionStatus.APPROVED,
        )
        .order_by(ReportingCycle.year.desc())
        .limit(1)
    ).first()


def shared_story(report_id: int):
    """(report, organisation, year) of a shared story, or None."""
    return db.session.execute(
        _shared_stories()
        .with_only_columns(Report, Organisation, ReportingCycle.year)
        .where(Report.id == report_id)
    ).first()


def shared_by(organisation_id: int) -> list:
    """The organisation's own shared entries (library rows), for its page and for stopping."""
    entries = union_all(
        _shared_measures().where(Organisation.id == organisation_id),
        _shared_stories().where(Organisation.id == organisation_id),
    ).subquery()
    return db.session.execute(
        select(entries).order_by(entries.c.shared_at.desc().nulls_last())
    ).all()


def fields_of_action() -> list[FieldOfAction]:
    return list(
        db.session.scalars(
            select(FieldOfAction)
            .where(FieldOfAction.is_active.is_(True))
            .order_by(FieldOfAction.position, FieldOfAction.id)
        )
    )
