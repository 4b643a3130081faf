"""The members' area (Austausch): the directory of partners with "find peers", and the
good-practice library. Active partners and the ministry only. The forum has its own blueprint."""

from flask import Blueprint

bp = Blueprint("exchange", __name__, url_prefix="/austausch")

from portal.exchange import views  # noqa: E402, F401
