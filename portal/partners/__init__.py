"""Partner organisations: the organisation's own page (home of partner users)."""

from flask import Blueprint

bp = Blueprint("partners", __name__)

from portal.partners import views  # noqa: E402, F401
