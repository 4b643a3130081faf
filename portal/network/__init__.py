"""The ministry runs the network: all organisations and their history, creating organisations,
declining applications."""

from flask import Blueprint

bp = Blueprint("network", __name__, url_prefix="/ministerium/netzwerk")

from portal.network import views  # noqa: E402, F401
