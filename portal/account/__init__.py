"""The user's own account: name, contact details, language and password."""

from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/konto")

from portal.account import views  # noqa: E402, F401
