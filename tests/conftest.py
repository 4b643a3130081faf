"""Shared fixtures: app, db, client, login_as, the cast of users, a SQL query counter.

The database is SQLite in a temporary folder, or PostgreSQL when TEST_DATABASE_URL is set
(CI runs the `db`-marked tests there too). Each test starts from empty tables plus reference data."""

import contextlib
import os
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from werkzeug.security import generate_password_hash

from portal import create_app
from portal.extensions import db as _db
from portal.reference_data import seed_reference_data

TEST_PASSWORD = "Richtig-Langes-Passwort-1"
# Hashing is deliberately slow; compute the test password's hash once.
TEST_PASSWORD_HASH = generate_password_hash(TEST_PASSWORD, method="scrypt")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return _database_of_worker(url, worker_id)
    # tmp_path_factory gives each pytest-xdist worker a folder of its own.
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


def _database_of_worker(url: str, worker_id: str) -> str:
    """With pytest-xdist each worker empties and fills tables of its own: a database next to the
    given one, named after the worker (created when missing)."""
    if worker_id == "master":
        return url
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    given = make_url(url)
    name = f"{given.database}_{worker_id}"
    server = create_engine(given.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return given.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def base_config(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "MAIL_SERVER": None,
        "MAIL_OUTBOX_FOLDER": str(instance / "outbox"),
        "UPLOAD_FOLDER": str(instance / "uploads"),
        "PORTAL_BASE_URL": "http://portal.test",
    }


@pytest.fixture(scope="session")
def _schema(base_config):
    """Create the tables once per test session (from the models; migrations are tested apart)."""
    app = create_app(base_config)
    with app.app_context():
        _db.drop_all()
        with _db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        _db.create_all()
    yield
    with app.app_context():
        _db.drop_all()
        _db.engine.dispose()


def _empty_all_tables() -> None:
    # DELETE in dependency order is several times faster than TRUNCATE for tables this small.
    _db.session.remove()
    with _db.engine.begin() as connection:
        for table in reversed(_db.metadata.sorted_tables):
            connection.execute(table.delete())


@event.listens_for(Engine, "connect")
def _fast_sqlite(dbapi_connection, connection_record):
    """Tests need no durability: skip SQLite's wait for the disk after every commit."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.close()


@pytest.fixture
def app_config(base_config):
    """Override in a test module to change settings for its tests."""
    return dict(base_config)


class FreshContextClient(FlaskClient):
    """Each request runs in its own application context, as in production.

    The `app` fixture keeps an app context open for the test's own database work; without this,
    requests would share its `g` (and so Flask-Login's user and Flask-Babel's locale) and its
    database session."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(_schema, app_config):
    app = create_app(app_config)
    app.test_client_class = FreshContextClient
    with app.app_context():
        _empty_all_tables()
        seed_reference_data()
        yield app
        _db.session.remove()
        _empty_all_tables()
        # Every test has its own app and so its own connection pool: close it, or PostgreSQL
        # runs out of connections after a few hundred tests.
        _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


class AuthActions:
    """Log a test client in and out through the real login form (flaskr's AuthActions)."""

    def __init__(self, client):
        self.client = client

    def login(self, user_or_email, password: str = TEST_PASSWORD):
        email = getattr(user_or_email, "email", user_or_email)
        response = self.client.post("/anmelden", data={"email": email, "password": password})
        assert response.status_code == 302, f"login of {email} failed: {response.status_code}"
        return response

    def logout(self):
        return self.client.post("/abmelden")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def login_as(auth):
    """`login_as(user)` logs the test client in as that user."""
    return auth.login


@pytest.fixture
def cast(db):
    """The authorisation matrix's cast: two partner organisations, their users, the ministry."""
    from tests import factories

    org_a = factories.OrganisationFactory(name="Organisation A", member_number=1)
    org_b = factories.OrganisationFactory(name="Organisation B", member_number=2)
    cast = {
        "org_a": org_a,
        "org_b": org_b,
        "editor_a": factories.UserFactory(role="partner_editor", organisation=org_a),
        "admin_a": factories.UserFactory(role="partner_admin", organisation=org_a),
        "admin_b": factories.UserFactory(role="partner_admin", organisation=org_b),
        "reviewer": factories.UserFactory(role="reviewer", organisation=None),
        "admin": factories.UserFactory(role="admin", organisation=None),
    }
    db.session.commit()
    return cast


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK|PRAGMA)", statement, re.I):
            self.statements.append(statement)


@pytest.fixture
def count_queries(db):
    """`with count_queries() as counter: ...` then `counter.count` SQL statements."""

    @contextlib.contextmanager
    def counting():
        counter = QueryCounter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)

    return counting


@pytest.fixture
def outbox(db):
    """The queued messages, freshest last."""
    from portal.models import OutboxMessage

    def messages():
        db.session.expire_all()
        return db.session.query(OutboxMessage).order_by(OutboxMessage.id).all()

    return messages


@pytest.fixture
def english(app):
    """Messages made outside a request (services, CLI) in English for the whole test, so tests
    match the English msgids whatever the German catalog says. Pages keep their own language:
    each request runs in its own application context."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield
