"""Annual reports (Jahresberichte): the partner's report pages, and the services for reports and
reporting cycles (cycles.py, figures.py, prefill.py) that the ministry's cycle pages use too."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from portal.reports import views  # noqa: E402, F401
