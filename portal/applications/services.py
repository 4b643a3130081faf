"""The application (Bewerbung): a new organisation and its contact person's account, and a new
confirmation link for an account whose address is not confirmed yet."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import audit, mail
from portal.auth.services import find_user_by_email, issue_token
from portal.extensions import db
from portal.models import (
    EmployeeBand,
    Organisation,
    OrganisationStatus,
    Role,
    Sector,
    TokenPurpose,
    User,
)
from portal.partners.naming import name_taken, unique_slug
from portal.regions import REGIERUNGSBEZIRK_OF

NAME_TAKEN = _l(
    "An organisation with this name is already registered. If it is yours, ask its contact "
    "person to invite you, or contact us."
)
EMAIL_TAKEN = _l(
    "There is already an account with this e-mail address. Log in with it, or reset the "
    "password if you have forgotten it."
)


class ApplicationRefused(Exception):
    """The application cannot be saved; `field` names the form field the `reason` belongs to
    (None: the form as a whole)."""

    def __init__(self, field: str | None, reason):
        super().__init__(str(reason))
        self.field = field
        self.reason = reason


def _check_available(organisation_name: str, email: str) -> None:
    if name_taken(organisation_name):
        raise ApplicationRefused("organisation_name", NAME_TAKEN)
    if find_user_by_email(email) is not None:
        raise ApplicationRefused("email", EMAIL_TAKEN)


def apply(
    *,
    organisation_name: str,
    sector: Sector,
    street: str,
    postcode: str,
    city: str,
    kreis: str,
    website: str,
    employee_band: EmployeeBand,
    contact_name: str,
    contact_function: str,
    email: str,
    password: str,
    message: str = "",
    locale: str = "de",
    attempts: int = 3,
) -> User:
    """Create the organisation (applicant) and its contact person's account (partner admin,
    address not yet confirmed); send the confirmation link and tell the reviewers. One
    transaction; commits.

    Names and addresses are unique in the database too: when another application with the same
    name or address wins a race, this one is rolled back completely and refused like a duplicate
    found beforehand."""
    organisation_name = organisation_name.strip()
    email = email.strip().lower()
    if kreis not in REGIERUNGSBEZIRK_OF:
        raise ApplicationRefused(
            "kreis", _l("Please choose the Kreis or kreisfreie Stadt of your organisation.")
        )
    for _attempt in range(attempts):
        _check_available(organisation_name, email)
        try:
            user = _create(
                organisation_name=organisation_name,
                sector=sector,
                street=street.strip(),
                postcode=postcode.strip(),
                city=city.strip(),
                kreis=kreis,
                website=website.strip(),
                employee_band=employee_band,
                contact_name=contact_name.strip(),
                contact_function=contact_function.strip(),
                email=email,
                password=password,
                message=(message or "").strip(),
                locale=locale if locale in current_app.config["LANGUAGES"] else "de",
            )
            db.session.commit()
            return user
        except IntegrityError:
            # Lost a race on the name, the address or the slug: nothing of this one is kept.
            db.session.rollback()
    _check_available(organisation_name, email)
    raise ApplicationRefused(None, _l("The application could not be saved. Please try again."))


def _create(*, contact_name, contact_function, email, password, message, locale, **details):
    organisation = Organisation(
        name=details["organisation_name"],
        slug=unique_slug(details["organisation_name"]),
        sector=details["sector"],
        status=OrganisationStatus.APPLICANT,
        kreis=details["kreis"],
        regierungsbezirk=REGIERUNGSBEZIRK_OF[details["kreis"]],
        street=details["street"],
        postcode=details["postcode"],
        city=details["city"],
        website=details["website"],
        employee_band=details["employee_band"],
    )
    user = User(
        email=email,
        name=contact_name,
        function=contact_function,
        role=Role.PARTNER_ADMIN,
        organisation=organisation,
        is_contact_person=True,
        locale=locale,
        email_confirmed_at=None,
    )
    user.set_password(password)
    db.session.add_all([organisation, user])
    db.session.flush()

    raw = issue_token(user, TokenPurpose.CONFIRM_EMAIL)
    _queue_confirmation(user, raw)
    for reviewer in _active_reviewers():
        mail.queue_mail_to_user(
            reviewer,
            "application_received",
            organisation=organisation,
            applicant=user,
            message=message,
        )
    audit.record(
        "application_received",
        organisation,
        actor=user,
        organisation_id=organisation.id,
        to_state=OrganisationStatus.APPLICANT.value,
        comment=message,
        contact_person_id=user.id,
    )
    return user


def _queue_confirmation(user: User, raw: str) -> None:
    lifetime = current_app.config["CONFIRMATION_TOKEN_LIFETIME"]
    mail.queue_mail_to_user(
        user,
        "application_confirm_email",
        token=raw,
        valid_days=max(1, lifetime.days),
    )


def _active_reviewers() -> list[User]:
    return db.session.scalars(
        select(User)
        .where(User.role == Role.REVIEWER, User.is_active_account.is_(True))
        .order_by(User.id)
    ).all()


def resend_confirmation(email: str) -> None:
    """Send a new confirmation link if an active account with this address is still
    unconfirmed (earlier links stop working). The caller answers the same way whatever
    happened, so nobody learns which addresses have accounts; commits."""
    user = find_user_by_email(email)
    if user is None or not user.is_active_account or user.email_confirmed_at is not None:
        return
    raw = issue_token(user, TokenPurpose.CONFIRM_EMAIL)
    _queue_confirmation(user, raw)
    audit.record("confirmation_resent", user, organisation_id=user.organisation_id)
    db.session.commit()
