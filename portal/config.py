"""Configuration defaults. Layers: these defaults, then instance/config.py, then environment
variables (DATABASE_URL, SECRET_KEY, MAIL_*, ...), then the test dict given to create_app."""

import os
import secrets
from datetime import timedelta
from pathlib import Path


class DefaultConfig:
    SQLALCHEMY_DATABASE_URI = None  # set in create_app: instance/portal.sqlite3
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    LANGUAGES = ("de", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    WTF_CSRF_TIME_LIMIT = (
        None  # the token lives as long as the session; forms never expire mid-typing
    )

    MAX_CONTENT_LENGTH = 11 * 1024 * 1024  # PDFs up to 10 MB plus form overhead

    # Login throttling: per account (in the database) and per address (Flask-Limiter).
    LOGIN_MAX_FAILURES = 5
    LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
    LOGIN_LOCKOUT = timedelta(minutes=15)
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_LOGIN = "30 per 15 minutes"
    RATELIMIT_HEADERS_ENABLED = False

    PASSWORD_MIN_LENGTH = 12
    RESET_TOKEN_LIFETIME = timedelta(hours=2)
    INVITATION_TOKEN_LIFETIME = timedelta(days=14)
    CONFIRMATION_TOKEN_LIFETIME = timedelta(days=3)

    # Mail: queued in the outbox table, delivered by `flask mail send`.
    MAIL_SERVER = None  # None: write .eml files to instance/outbox/ (development)
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = (
        "Partnerportal Interkulturelle Öffnung <no-reply@partnerportal.nrw.example>"
    )
    MAIL_MAX_ATTEMPTS = 5
    MAIL_TIMEOUT = 30
    MINISTRY_CONTACT_EMAIL = "interkulturelle-oeffnung@mkjfgfi.nrw.example"
    ACCESSIBILITY_FEEDBACK_EMAIL = "barrierefreiheit@mkjfgfi.nrw.example"

    # Absolute links in e-mails; request-independent so the mail CLI can build them.
    PORTAL_BASE_URL = "http://127.0.0.1:5000"

    UPLOAD_FOLDER = None  # set in create_app: instance/uploads
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024

    PAGE_SIZE = 25


ENV_SETTINGS = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "SECRET_KEY": "SECRET_KEY",
    "MAIL_SERVER": "MAIL_SERVER",
    "MAIL_PORT": "MAIL_PORT",
    "MAIL_USERNAME": "MAIL_USERNAME",
    "MAIL_PASSWORD": "MAIL_PASSWORD",
    "MAIL_USE_TLS": "MAIL_USE_TLS",
    "MAIL_USE_SSL": "MAIL_USE_SSL",
    "MAIL_DEFAULT_SENDER": "MAIL_DEFAULT_SENDER",
    "RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
    "PORTAL_BASE_URL": "PORTAL_BASE_URL",
    "SESSION_COOKIE_SECURE": "SESSION_COOKIE_SECURE",
    "UPLOAD_FOLDER": "UPLOAD_FOLDER",
}
_BOOLEAN = {"MAIL_USE_TLS", "MAIL_USE_SSL", "SESSION_COOKIE_SECURE"}
_INTEGER = {"MAIL_PORT"}


def from_environment() -> dict:
    """Settings taken from environment variables, converted to their types."""
    values = {}
    for env_name, key in ENV_SETTINGS.items():
        raw = os.environ.get(env_name)
        if raw is None or raw == "":
            continue
        if key in _BOOLEAN:
            values[key] = raw.lower() in {"1", "true", "yes", "on"}
        elif key in _INTEGER:
            values[key] = int(raw)
        else:
            values[key] = raw
    # Development serves plain http on 127.0.0.1, where a Secure cookie would not come back.
    if os.environ.get("PORTAL_ENV") == "development" and "SESSION_COOKIE_SECURE" not in values:
        values["SESSION_COOKIE_SECURE"] = False
    if values.get("SESSION_COOKIE_SECURE") is not None:
        values["REMEMBER_COOKIE_SECURE"] = values["SESSION_COOKIE_SECURE"]
    return values


def instance_secret_key(instance_path: str) -> str:
    """The secret key kept in instance/secret_key, generated on first use."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def normalise_database_url(url: str) -> str:
    """Accept plain postgres:// URLs (as hosting platforms hand them out) and use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
