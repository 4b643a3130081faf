"""A partner admin manages the own organisation: its profile and the people with access."""

from flask import Blueprint

bp = Blueprint("manage", __name__)

from portal.manage import views  # noqa: E402, F401
