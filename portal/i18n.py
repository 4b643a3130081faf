"""Languages: German by default, English by choice, kept in the session and in the account."""

from flask import Flask, current_app, has_request_context, session
from flask_babel import LazyString, format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user
from markupsafe import escape
from sqlalchemy.exc import SQLAlchemyError


def _lazy_text_as_html(self) -> str:
    return escape(str(self))


# Flask-Babel's lazy strings declare themselves safe HTML (`__html__` returns the text as is), so
# `lazy_gettext("… %(name)s", name=<user text>)` would reach a page unescaped through Jinja,
# WTForms labels and choices, and flashed messages. No message of the portal contains markup, so
# every lazy string is text and is escaped like any other string.
LazyString.__html__ = _lazy_text_as_html


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        # CLI and cron: mail is rendered with force_locale; anything else is German.
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    try:
        user_locale = current_user.locale if current_user.is_authenticated else None
    except SQLAlchemyError:
        # The error page after a database failure must still render.
        user_locale = None
    if user_locale in languages:
        return user_locale
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale() or "de")


def localized(obj, attribute: str = "name") -> str:
    """The German or English variant of a bilingual data column (`name_de` / `name_en`)."""
    suffix = "en" if current_language() == "en" else "de"
    return getattr(obj, f"{attribute}_{suffix}")


def init_app(app: Flask) -> None:
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.filters["localized"] = localized
    app.jinja_env.filters["format_date"] = format_date
    app.jinja_env.filters["format_datetime"] = format_datetime
    app.jinja_env.filters["format_decimal"] = format_decimal
