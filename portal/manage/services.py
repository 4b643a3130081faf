"""Changes a partner admin (or the ministry) makes to an organisation: its profile and the
people with access. Each function is one transaction: it changes, writes the audit entry,
queues the e-mail to the person concerned and commits.

The organisation always keeps at least one active partner admin. Changes to the people of an
organisation first lock the organisation's row (FOR UPDATE on PostgreSQL) and check the rule
again after writing (SQLite), so two admins who demote each other at the same moment cannot
both succeed."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from portal import audit, mail, policy
from portal.auth import services as auth_services
from portal.extensions import db
from portal.models import (
    PARTNER_ROLES,
    AccountToken,
    EmployeeBand,
    Organisation,
    Role,
    Sector,
    TokenPurpose,
    User,
    utcnow,
)
from portal.partners.naming import name_taken
from portal.regions import REGIERUNGSBEZIRK_OF

PARTNER_FIELDS = frozenset(
    {
        "sector",
        "kreis",
        "website",
        "description",
        "show_in_public_list",
        "street",
        "postcode",
        "city",
        "employee_band",
    }
)
MINISTRY_FIELDS = frozenset({"name", "internal_notes"})


class ManageRefused(Exception):
    """A change is not possible; `reason` is for the user, `field` names the form field the
    message belongs to (or None for the page)."""

    def __init__(self, reason, field: str | None = None):
        super().__init__(str(reason))
        self.reason = reason
        self.field = field


# --- the profile --------------------------------------------------------------------------------


def update_profile(organisation: Organisation, *, actor: User, **values) -> list[str]:
    """Save the profile; returns the names of the fields that changed (empty: nothing changed,
    nothing written). Only the ministry may change the name and the internal notes."""
    unknown = values.keys() - PARTNER_FIELDS - MINISTRY_FIELDS
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    if not policy.can_manage_organisation(actor, organisation):
        raise ManageRefused(_l("You may not change this organisation's profile."))
    if "name" in values and not policy.can_rename_organisation(actor, organisation):
        raise ManageRefused(_l("Only the ministry can rename an organisation."), "name")
    if "internal_notes" in values and not policy.can_see_internal_notes(actor, organisation):
        raise ManageRefused(_l("Only the ministry keeps internal notes."))
    values = _normalised(values)
    if "name" in values and name_taken(values["name"], exclude_id=organisation.id):
        raise ManageRefused(_l("Another organisation already has this name."), "name")

    changed = [name for name, value in values.items() if getattr(organisation, name) != value]
    if not changed:
        return []
    previous_name = organisation.name
    for name in changed:
        setattr(organisation, name, values[name])
    details = {"fields": ", ".join(changed)}
    if "name" in changed:
        details["previous_name"] = previous_name
    audit.record(
        "organisation_profile_updated",
        organisation,
        actor=actor,
        organisation_id=organisation.id,
        **details,
    )
    try:
        db.session.commit()
    except IntegrityError:
        # Someone gave another organisation this name in the meantime.
        db.session.rollback()
        raise ManageRefused(_l("Another organisation already has this name."), "name") from None
    return changed


def _normalised(values: dict) -> dict:
    """Text trimmed, enums as enums, and the Regierungsbezirk that belongs to the Kreis."""
    values = {
        name: value.strip() if isinstance(value, str) else value for name, value in values.items()
    }
    if "sector" in values:
        values["sector"] = Sector(values["sector"])
    if "employee_band" in values:
        values["employee_band"] = (
            EmployeeBand(values["employee_band"]) if values["employee_band"] else None
        )
    if "show_in_public_list" in values:
        values["show_in_public_list"] = bool(values["show_in_public_list"])
    if "kreis" in values:
        if values["kreis"] not in REGIERUNGSBEZIRK_OF:
            raise ManageRefused(_l("Choose one of the options in the list."), "kreis")
        values["regierungsbezirk"] = REGIERUNGSBEZIRK_OF[values["kreis"]]
    for name in ("website", "description", "street", "postcode", "city", "internal_notes"):
        if name in values and values[name] is None:
            values[name] = ""
    return values


# --- the people with access ---------------------------------------------------------------------


def access_state(user: User) -> str:
    """The state of a person's access: active, invited (no password chosen yet) or deactivated."""
    if not user.is_active_account:
        return "deactivated"
    if user.password_hash is None:
        return "invited"
    return "active"


def active_admin_count(organisation_id: int) -> int:
    return db.session.scalar(
        select(func.count(User.id)).where(
            User.organisation_id == organisation_id,
            User.role == Role.PARTNER_ADMIN,
            User.is_active_account.is_(True),
        )
    )


def _lock(organisation: Organisation, user: User | None = None) -> None:
    """Serialise changes to an organisation's people, and read the person afresh."""
    db.session.execute(
        select(Organisation.id).where(Organisation.id == organisation.id).with_for_update()
    )
    if user is not None:
        db.session.refresh(user)


def _last_admin(user: User):
    return _l(
        "%(name)s is the only active partner admin of the organisation. An organisation "
        "always needs one: first make another person partner admin, then try again.",
        name=user.name,
    )


def _refuse_if_last_admin(user: User) -> None:
    if (
        user.role == Role.PARTNER_ADMIN
        and user.is_active_account
        and active_admin_count(user.organisation_id) <= 1
    ):
        raise ManageRefused(_last_admin(user))


def _refuse_if_no_admin_left(user: User) -> None:
    """The same rule once more after the change is written but not committed: a change of the
    same organisation made at the same moment (SQLite, whose SELECTs take no lock) has to wait
    for the write lock and then sees this one, so two admins cannot demote each other."""
    db.session.flush()
    if active_admin_count(user.organisation_id) == 0:
        reason = _last_admin(user)
        db.session.rollback()
        raise ManageRefused(reason)


def invite_person(
    organisation: Organisation, *, name: str, email: str, role: str, actor: User
) -> tuple[User, bool]:
    """Invite a person to the organisation; returns the person and whether this was a fresh
    link for an earlier invitation that has not been accepted yet. Commits."""
    role = Role(role)
    if role not in PARTNER_ROLES:
        raise ManageRefused(_l("Please choose a role."), "role")
    existing = auth_services.find_user_by_email(email)
    if existing is not None:
        if existing.organisation_id != organisation.id:
            raise ManageRefused(
                _l(
                    "This e-mail address already belongs to another account. A person can have "
                    "only one account; please use a different address."
                ),
                "email",
            )
        if not existing.is_active_account:
            raise ManageRefused(
                _l(
                    "%(name)s's access is deactivated. Reactivate it in the list of people "
                    "instead.",
                    name=existing.name,
                ),
                "email",
            )
        if existing.password_hash is not None:
            raise ManageRefused(
                _l("%(name)s already has access to this organisation.", name=existing.name),
                "email",
            )
        return _renew_invitation(existing, actor), True
    try:
        user = auth_services.invite_user(
            email, name, role, organisation=organisation, invited_by=actor
        )
    except IntegrityError:
        # The same address was invited a moment ago by someone else.
        db.session.rollback()
        raise ManageRefused(
            _l("This e-mail address already belongs to another account."), "email"
        ) from None
    return user, False


def _renew_invitation(user: User, actor: User) -> User:
    raw = auth_services.issue_token(user, TokenPurpose.INVITATION)
    mail.queue_mail_to_user(user, "invitation", token=raw, invited_by=actor)
    audit.record("invitation_renewed", user, actor=actor, organisation_id=user.organisation_id)
    db.session.commit()
    return user


def change_role(user: User, role: str, *, actor: User) -> User:
    """Make a person partner admin or editor; commits."""
    role = Role(role)
    if role not in PARTNER_ROLES:
        raise ManageRefused(_l("Please choose a role."), "role")
    _lock(user.organisation, user)
    if user.role == role:
        raise ManageRefused(
            _l("%(name)s already has this role. Nothing was changed.", name=user.name)
        )
    if role != Role.PARTNER_ADMIN:
        _refuse_if_last_admin(user)
    previous = user.role
    user.role = role
    _refuse_if_no_admin_left(user)
    audit.record(
        "user_role_changed",
        user,
        actor=actor,
        organisation_id=user.organisation_id,
        from_state=previous.value,
        to_state=role.value,
    )
    if user.is_active_account:
        mail.queue_mail_to_user(
            user, "user_role_changed", organisation=user.organisation, actor=actor
        )
    db.session.commit()
    return user


def deactivate(user: User, *, actor: User) -> User:
    """End a person's access: they cannot log in, a running session ends with the next page
    (Flask-Login reads `is_active`), unused links (invitation, password reset) stop working,
    and they are no longer shown as contact person. Commits."""
    _lock(user.organisation, user)
    if user.id == actor.id:
        raise ManageRefused(
            _l(
                "You cannot deactivate your own access. Ask another partner admin of your "
                "organisation or the ministry."
            )
        )
    if not user.is_active_account:
        raise ManageRefused(_l("The access of %(name)s is already deactivated.", name=user.name))
    _refuse_if_last_admin(user)
    was_invited = user.password_hash is None
    user.is_active_account = False
    # Reactivating later must not bring a running session back.
    user.end_sessions()
    user.is_contact_person = False
    _refuse_if_no_admin_left(user)
    db.session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    audit.record(
        "user_deactivated",
        user,
        actor=actor,
        organisation_id=user.organisation_id,
        from_state="active",
        to_state="deactivated",
    )
    mail.queue_mail_to_user(
        user,
        "user_deactivated",
        organisation=user.organisation,
        actor=actor,
        was_invited=was_invited,
    )
    db.session.commit()
    return user


def reactivate(user: User, *, actor: User) -> User:
    """Give a deactivated person access again; a person who never chose a password gets a
    fresh invitation link in the same e-mail. Commits."""
    _lock(user.organisation, user)
    if user.is_active_account:
        raise ManageRefused(_l("%(name)s already has access.", name=user.name))
    user.is_active_account = True
    token = None
    if user.password_hash is None:
        token = auth_services.issue_token(user, TokenPurpose.INVITATION)
    audit.record(
        "user_reactivated",
        user,
        actor=actor,
        organisation_id=user.organisation_id,
        from_state="deactivated",
        to_state="active",
    )
    mail.queue_mail_to_user(
        user, "user_reactivated", organisation=user.organisation, actor=actor, token=token
    )
    db.session.commit()
    return user


def set_contact_person(user: User, is_contact_person: bool, *, actor: User) -> User:
    """Mark or unmark a person as contact person of the organisation (shown in the members'
    directory). Commits."""
    _lock(user.organisation, user)
    if is_contact_person and not user.is_active_account:
        raise ManageRefused(
            _l(
                "%(name)s's access is deactivated; reactivate it first to mark the person as "
                "contact person.",
                name=user.name,
            )
        )
    if user.is_contact_person == is_contact_person:
        raise ManageRefused(_l("Nothing was changed: the marker is already set that way."))
    user.is_contact_person = is_contact_person
    audit.record(
        "contact_person_set" if is_contact_person else "contact_person_removed",
        user,
        actor=actor,
        organisation_id=user.organisation_id,
    )
    db.session.commit()
    return user
