"""Partner organisations: the organisation's own page (home of partner users) and the public
partner list, profiles and open data."""

from flask import Blueprint

bp = Blueprint("partners", __name__)

from portal.partners import public_views, views  # noqa: E402, F401
