"""The ministry runs the reporting cycles: open, extend, overview, remind, close."""

from flask import Blueprint

bp = Blueprint("cycles", __name__, url_prefix="/ministerium/berichtszeitraeume")

from portal.cycles import views  # noqa: E402, F401
