"""The partner's side of the concept of measures: edit, check, submit, withdraw, amend, answer comments."""

from flask import Blueprint

bp = Blueprint("concepts", __name__)

from portal.concepts import views  # noqa: E402, F401
