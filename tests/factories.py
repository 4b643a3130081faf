"""factory_boy factories for the models, bound to the Flask-SQLAlchemy session."""

import itertools
from datetime import date

import factory
from factory.alchemy import SQLAlchemyModelFactory

from portal.extensions import db
from portal.models import (
    Concept,
    FieldOfAction,
    Measure,
    Organisation,
    OrganisationStatus,
    Report,
    ReportingCycle,
    Sector,
    SubmissionStatus,
    User,
    utcnow,
)
from tests.conftest import TEST_PASSWORD_HASH

_member_numbers = itertools.count(100)


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class OrganisationFactory(BaseFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Testorganisation {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    sector = Sector.AUTHORITY
    status = OrganisationStatus.ACTIVE
    member_number = factory.LazyFunction(lambda: next(_member_numbers))
    member_since = date(2024, 1, 15)
    kreis = "Kreis Minden-Lübbecke"
    regierungsbezirk = "Detmold"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@test.example.org")
    name = factory.Sequence(lambda n: f"Person {n}")
    role = "partner_editor"
    organisation = factory.SubFactory(OrganisationFactory)
    password_hash = TEST_PASSWORD_HASH
    locale = "de"
    email_confirmed_at = factory.LazyFunction(utcnow)


class ConceptFactory(BaseFactory):
    class Meta:
        model = Concept

    organisation = factory.SubFactory(OrganisationFactory)
    version_number = 1
    status = SubmissionStatus.DRAFT
    initial_situation = "Ausgangslage"
    goals = "Ziele"
    steering = "Steuerung"


class MeasureFactory(BaseFactory):
    class Meta:
        model = Measure

    concept = factory.SubFactory(ConceptFactory)
    field_of_action = factory.LazyFunction(lambda: db.session.query(FieldOfAction).first())
    title = factory.Sequence(lambda n: f"Maßnahme {n}")
    description = "Beschreibung"


class ReportingCycleFactory(BaseFactory):
    class Meta:
        model = ReportingCycle

    year = factory.Sequence(lambda n: 2020 + n)
    opens_on = factory.LazyAttribute(lambda c: date(c.year + 1, 1, 1))
    due_on = factory.LazyAttribute(lambda c: date(c.year + 1, 3, 31))


class ReportFactory(BaseFactory):
    class Meta:
        model = Report

    organisation = factory.SubFactory(OrganisationFactory)
    cycle = factory.SubFactory(ReportingCycleFactory)
    status = SubmissionStatus.DRAFT


# --- forum ----------------------------------------------------------------------------------------

from portal.models import ForumPost, ForumTopic  # noqa: E402


class ForumTopicFactory(BaseFactory):
    """A topic; its opening post comes from ForumPostFactory(topic=...)."""

    class Meta:
        model = ForumTopic

    title = factory.Sequence(lambda n: f"Thema {n}")
    author = factory.SubFactory(UserFactory)
    last_activity_at = factory.LazyFunction(utcnow)
    created_at = factory.LazyAttribute(lambda t: t.last_activity_at)
    is_locked = False
    is_pinned = False


class ForumPostFactory(BaseFactory):
    class Meta:
        model = ForumPost

    topic = factory.SubFactory(ForumTopicFactory)
    author = factory.LazyAttribute(lambda p: p.topic.author)
    body = factory.Sequence(lambda n: f"Beitrag {n}")
    created_at = factory.LazyAttribute(lambda p: p.topic.last_activity_at)
    is_hidden = False
    hidden_reason = ""


def field_of_action_id(position: int = 1) -> int:
    """The id of the reference field of action at this position (ids differ by database: on
    PostgreSQL sequences go on after the tables are emptied)."""
    return db.session.scalar(db.select(FieldOfAction.id).where(FieldOfAction.position == position))
