"""Read queries of the public partner pages: the list "Wir sind Partner", a partner's public
profile and the open data export. Each function runs a fixed number of SQL statements,
whatever the number of partners."""

from dataclasses import dataclass

from sqlalchemy import Select, func, select

from portal.extensions import db
from portal.models import (
    Concept,
    FieldOfAction,
    Measure,
    Organisation,
    OrganisationStatus,
    Sector,
    SubmissionStatus,
)

SORT_ORDERS = ("member_number", "name", "member_since")


@dataclass(frozen=True)
class PartnerFilters:
    """What a visitor narrowed the list down to; empty strings mean "no filter"."""

    q: str = ""
    sector: str = ""
    regierungsbezirk: str = ""
    kreis: str = ""
    sort: str = "member_number"


def _public() -> Select:
    """Organisations the public may see: active partners that chose to be listed."""
    return select(Organisation).where(
        Organisation.status == OrganisationStatus.ACTIVE,
        Organisation.show_in_public_list.is_(True),
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def public_partners(filters: PartnerFilters) -> Select:
    """The statement behind the list, filtered and sorted; paginate it with db.paginate."""
    statement = _public()
    if filters.q:
        statement = statement.where(
            Organisation.name.ilike(f"%{_escape_like(filters.q)}%", escape="\\")
        )
    if filters.sector in {sector.value for sector in Sector}:
        statement = statement.where(Organisation.sector == Sector(filters.sector))
    if filters.regierungsbezirk:
        statement = statement.where(Organisation.regierungsbezirk == filters.regierungsbezirk)
    if filters.kreis:
        statement = statement.where(Organisation.kreis == filters.kreis)
    if filters.sort == "name":
        order = (func.lower(Organisation.name), Organisation.id)
    elif filters.sort == "member_since":
        order = (Organisation.member_since.desc(), Organisation.member_number)
    else:
        order = (Organisation.member_number, Organisation.id)
    return statement.order_by(*order)


def public_partner_count() -> int:
    """How many partners the network shows the public ("37 Partner"), counted in SQL."""
    return db.session.scalar(
        select(func.count(Organisation.id)).where(
            Organisation.status == OrganisationStatus.ACTIVE,
            Organisation.show_in_public_list.is_(True),
        )
    )


def public_partner_by_slug(slug: str) -> Organisation | None:
    return db.session.scalar(_public().where(Organisation.slug == slug))


def fields_of_action_in_force(organisation_id: int) -> list[FieldOfAction]:
    """The distinct fields of action of the measures of the concept in force (the approved
    version with the highest number), in their reference order; one query."""
    in_force_version = (
        select(func.max(Concept.version_number))
        .where(
            Concept.organisation_id == organisation_id,
            Concept.status == SubmissionStatus.APPROVED,
        )
        .scalar_subquery()
    )
    used = (
        select(Measure.field_of_action_id)
        .join(Concept, Measure.concept_id == Concept.id)
        .where(
            Concept.organisation_id == organisation_id,
            Concept.status == SubmissionStatus.APPROVED,
            Concept.version_number == in_force_version,
        )
    )
    return list(
        db.session.scalars(
            select(FieldOfAction)
            .where(FieldOfAction.id.in_(used))
            .order_by(FieldOfAction.position, FieldOfAction.id)
        )
    )


def open_data_partners() -> list[Organisation]:
    """Every public partner, ordered by member number, for the CSV and JSON export."""
    return list(db.session.scalars(public_partners(PartnerFilters())))
