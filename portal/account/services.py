"""Changes to the user's own account. Each function is one transaction."""

from flask import current_app

from portal import audit
from portal.extensions import db
from portal.models import User


def update_profile(
    user: User,
    *,
    name: str,
    function: str,
    phone: str,
    locale: str,
    directory_shows_email: bool | None = None,
    directory_shows_phone: bool | None = None,
) -> None:
    """Save the user's own details; the directory choices only for a partner's contact person
    (None leaves them as they are)."""
    user.name = name
    user.function = function or ""
    user.phone = phone or ""
    if user.is_contact_person:
        if directory_shows_email is not None:
            user.directory_shows_email = directory_shows_email
        if directory_shows_phone is not None:
            user.directory_shows_phone = directory_shows_phone
    if locale in current_app.config["LANGUAGES"]:
        user.locale = locale
    audit.record("profile_updated", user, actor=user, organisation_id=user.organisation_id)
    db.session.commit()


def set_locale(user: User, locale: str) -> None:
    if locale in current_app.config["LANGUAGES"] and user.locale != locale:
        user.locale = locale
        db.session.commit()


def change_password(user: User, new_password: str) -> None:
    user.set_password(new_password)
    audit.record("password_changed", user, actor=user, organisation_id=user.organisation_id)
    db.session.commit()
