"""The public application (Bewerbung): an organisation applies to join the initiative."""

from flask import Blueprint

bp = Blueprint("applications", __name__)

from portal.applications import views  # noqa: E402, F401
