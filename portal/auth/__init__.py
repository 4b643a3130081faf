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
    def load_user(user_id: str):
        if not user_id.isdigit():
            return None
        return db.session.get(User, int(user_id))


from portal.auth import views  # noqa: E402, F401
