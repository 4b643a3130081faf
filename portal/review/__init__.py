"""The ministry's side: start page with the review queue, the network at a glance and the
partners behind with their reports; the review of concepts (views.py) and annual reports
(report_views.py)."""

from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/ministerium")

from portal.review import report_views, views  # noqa: E402, F401
