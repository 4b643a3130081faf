"""Models and Alembic migrations agree; the demo data and the create-user command on a migrated
database.

The other tests build the schema with `create_all`; here it is dropped and rebuilt by
`flask db upgrade`, and put back the way the other tests expect it afterwards."""

import logging
from datetime import date
from pprint import pformat

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select, text

from portal.models import (
    Agreement,
    Organisation,
    OrganisationStatus,
    OutboxMessage,
    Role,
    User,
)
from tests import factories

pytestmark = pytest.mark.db

DEMO_PASSWORD = "Vielfalt-2023!"
# The demo accounts the README promises: address -> (role, organisation or None).
DEMO_USERS = {
    "admin@example.org": (Role.ADMIN, None),
    "pruefung@example.org": (Role.REVIEWER, None),
    "integration@minden-luebbecke.example.org": (Role.PARTNER_ADMIN, "Kreis Minden-Lübbecke"),
    "redaktion@minden-luebbecke.example.org": (Role.PARTNER_EDITOR, "Kreis Minden-Lübbecke"),
    "kontakt@rheinblick-logistik-gmbh.example.org": (
        Role.PARTNER_ADMIN,
        "Rheinblick Logistik GmbH",
    ),
    "bewerbung@pflegedienst-sonnenschein-ggmbh.example.org": (
        Role.PARTNER_ADMIN,
        "Pflegedienst Sonnenschein gGmbH",
    ),
}


def _drop_everything(db) -> None:
    db.session.remove()
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _table_names(db) -> set[str]:
    return set(inspect(db.engine).get_table_names())


class _LoggingSnapshot:
    """Alembic's env.py runs logging.config.fileConfig, which replaces the root logger's
    handlers and disables existing loggers; later tests must not notice."""

    def __init__(self):
        root = logging.getLogger()
        self.root = (root.level, list(root.handlers))
        self.loggers = {
            name: (logger.level, logger.disabled, list(logger.handlers), logger.propagate)
            for name, logger in logging.Logger.manager.loggerDict.items()
            if isinstance(logger, logging.Logger)
        }

    def restore(self):
        root = logging.getLogger()
        root.setLevel(self.root[0])
        root.handlers[:] = self.root[1]
        for name, (level, disabled, handlers, propagate) in self.loggers.items():
            logger = logging.getLogger(name)
            logger.setLevel(level)
            logger.disabled = disabled
            logger.handlers[:] = handlers
            logger.propagate = propagate


@pytest.fixture
def migrated(app, db):
    """The test database built by the migrations instead of create_all; restored afterwards."""
    logging_state = _LoggingSnapshot()
    _drop_everything(db)
    try:
        flask_migrate.upgrade()
        yield db
    finally:
        logging_state.restore()
        _drop_everything(db)
        db.create_all()


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


def test_migrations_build_exactly_the_models_schema(migrated):
    db = migrated
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], "models and migrations differ:\n" + pformat(diff)
    assert _table_names(db) == set(db.metadata.tables) | {"alembic_version"}


def _check_constraints(db) -> dict[str, list[tuple[str, str]]]:
    inspector = inspect(db.engine)
    return {
        table: sorted(
            (check["name"], " ".join(check["sqltext"].split()))
            for check in inspector.get_check_constraints(table)
        )
        for table in db.metadata.tables
    }


def test_migrations_create_the_models_check_constraints(migrated):
    # Alembic's comparison does not look at CHECK constraints; compare them as the database
    # reports them after the migrations and after create_all.
    db = migrated
    from_migrations = _check_constraints(db)
    _drop_everything(db)
    db.create_all()
    from_models = _check_constraints(db)
    assert from_migrations == from_models
    assert "ck_user_partner_has_organisation" in {name for name, _ in from_models["user"]}


def test_downgrading_to_base_leaves_only_the_version_table(migrated):
    db = migrated
    flask_migrate.downgrade(revision="base")
    assert _table_names(db) == {"alembic_version"}
    # And back up again: the migration is repeatable.
    flask_migrate.upgrade()
    assert _table_names(db) == set(db.metadata.tables) | {"alembic_version"}


def _counts(db) -> dict[str, int]:
    with db.engine.connect() as connection:
        return {
            name: connection.scalar(select(func.count()).select_from(table))
            for name, table in db.metadata.tables.items()
        }


def test_seed_demo_loads_the_network_once(migrated, cli):
    db = migrated
    result = cli("seed-demo")
    assert result.exit_code == 0, result.output
    assert "39 organisations" in result.output

    organisations = db.session.scalars(select(Organisation)).all()
    assert len(organisations) == 39
    by_status = {}
    for organisation in organisations:
        by_status.setdefault(organisation.status, []).append(organisation)
    assert len(by_status[OrganisationStatus.ACTIVE]) == 37
    assert len(by_status[OrganisationStatus.APPLICANT]) == 2
    assert all(o.member_number is None for o in by_status[OrganisationStatus.APPLICANT])
    numbers = sorted(o.member_number for o in organisations if o.member_number is not None)
    assert numbers == list(range(1, 38))

    minden = db.session.scalar(select(Organisation).where(Organisation.slug == "minden-luebbecke"))
    assert (minden.name, minden.status, minden.member_number) == (
        "Kreis Minden-Lübbecke",
        OrganisationStatus.ACTIVE,
        37,
    )
    agreement = db.session.scalar(select(Agreement).where(Agreement.organisation_id == minden.id))
    assert agreement.signed_on == date(2023, 9, 6)
    assert agreement.ministry_signatory == "Staatssekretär Lorenz Bahr"
    assert agreement.organisation_signatory == "Landrat Ali Doğan"

    for address, (role, organisation_name) in DEMO_USERS.items():
        user = db.session.scalar(select(User).where(User.email == address))
        assert user is not None, address
        assert user.role == role, address
        assert (user.organisation.name if user.organisation else None) == organisation_name
        assert user.check_password(DEMO_PASSWORD), address
        assert user.is_active_account and user.email_confirmed_at is not None

    before = _counts(db)
    again = cli("seed-demo")
    assert again.exit_code == 0, again.output
    assert _counts(db) == before
    if_empty = cli("seed-demo", "--if-empty")
    assert if_empty.exit_code == 0
    assert "already has data" in if_empty.output
    assert _counts(db) == before


def test_seed_demo_refuses_a_database_without_tables(app, db, cli):
    # --if-empty checks for users first; without `flask db upgrade` it says what to do.
    _drop_everything(db)
    try:
        result = cli("seed-demo", "--if-empty")
        assert result.exit_code != 0
        assert "flask db upgrade" in result.output
    finally:
        db.create_all()


# --- create-user ---------------------------------------------------------------------------------


@pytest.fixture
def organisation(db):
    organisation = factories.OrganisationFactory(name="Stadt Rabenfeld", slug="stadt-rabenfeld")
    db.session.commit()
    return organisation


def test_create_user_with_a_password_makes_a_usable_account(db, cli, organisation, outbox):
    result = cli(
        "create-user",
        "--email",
        "Leitung@Rabenfeld.example.org",
        "--name",
        "Dilek Kaya",
        "--role",
        "partner_admin",
        "--organisation",
        "stadt-rabenfeld",
        "--password",
        "Ein-sehr-langes-Passwort-7",
    )
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "leitung@rabenfeld.example.org"))
    assert (user.name, user.role, user.organisation_id) == (
        "Dilek Kaya",
        Role.PARTNER_ADMIN,
        organisation.id,
    )
    assert user.check_password("Ein-sehr-langes-Passwort-7")
    assert user.email_confirmed_at is not None
    assert outbox() == []


def test_create_user_without_a_password_sends_an_invitation(db, cli, outbox):
    result = cli("create-user", "--email", "neu@ministerium.example.org", "--role", "reviewer")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "neu@ministerium.example.org"))
    assert user.role == Role.REVIEWER
    assert user.organisation_id is None
    assert user.password_hash is None
    (message,) = outbox()
    assert message.recipient == "neu@ministerium.example.org"
    assert "http://portal.test/einladung/" in message.body


def test_a_partner_role_needs_an_organisation(db, cli, outbox):
    result = cli("create-user", "--email", "x@firma.example.org", "--role", "partner_editor")
    assert result.exit_code != 0
    assert "--organisation" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    assert outbox() == []


def test_an_address_cannot_be_used_twice(db, cli, organisation):
    existing = factories.UserFactory(
        email="doppelt@rabenfeld.example.org", organisation=organisation
    )
    db.session.commit()
    result = cli(
        "create-user",
        "--email",
        "Doppelt@Rabenfeld.example.org",
        "--role",
        "partner_editor",
        "--organisation",
        "Stadt Rabenfeld",
    )
    assert result.exit_code != 0
    assert "already exists" in result.output
    db.session.expire_all()
    assert db.session.scalars(select(User.id)).all() == [existing.id]
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
