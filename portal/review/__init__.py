"""The ministry's side: start page with the review queue and the network at a glance."""

from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/ministerium")

from portal.review import views  # noqa: E402, F401
