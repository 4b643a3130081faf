"""Public pages anyone can read: the start page, imprint, privacy notice, the accessibility
statement with its feedback form, Leichte Sprache, and the language switch."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from portal.public import views  # noqa: E402, F401
