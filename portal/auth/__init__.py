"""Logging in and out, password reset, invitations and e-mail confirmation."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from portal.extensions import db, login_manager

bp = Blueprint("auth", __name__)


def init_login_manager(app: Flask) -> None:
    from portal.models import User

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str):
        """`<id>:<session version>`; a session of an older version has ended."""
        user_id, _sep, version = session_id.partition(":")
        if not (user_id.isdigit() and version.isdigit()):
            return None
        user = db.session.get(User, int(user_id))
        if user is None or (user.session_version or 1) != int(version):
            return None
        return user


from portal.auth import views  # noqa: E402, F401
