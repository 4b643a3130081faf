"""Write operations of the network blueprint: the ministry creates an organisation and invites
its contact person."""

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from portal import audit
from portal.auth.services import invite_user
from portal.extensions import db
from portal.models import Organisation, OrganisationStatus, Role, Sector, User, utcnow
from portal.partners.naming import unique_slug
from portal.regions import REGIERUNGSBEZIRK_OF


class OrganisationRefused(Exception):
    """The organisation cannot be created; `reason` is for the user."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason


def create_organisation(
    *,
    name: str,
    sector: str,
    kreis: str,
    contact_name: str,
    contact_email: str,
    actor: User,
    website: str = "",
    street: str = "",
    postcode: str = "",
    city: str = "",
) -> Organisation:
    """Create the organisation as applicant and invite its contact person as partner admin:
    the organisation, the audit entry, the account and the invitation e-mail are committed
    together (by `invite_user`), or nothing is."""
    if kreis not in REGIERUNGSBEZIRK_OF:
        raise OrganisationRefused(_l("Choose one of the options in the list."))
    organisation = Organisation(
        name=name.strip(),
        slug=unique_slug(name),
        sector=Sector(sector),
        status=OrganisationStatus.APPLICANT,
        status_changed_at=utcnow(),
        kreis=kreis,
        regierungsbezirk=REGIERUNGSBEZIRK_OF[kreis],
        website=website or "",
        street=street or "",
        postcode=postcode or "",
        city=city or "",
    )
    try:
        db.session.add(organisation)
        db.session.flush()
        audit.record(
            "organisation_created",
            organisation,
            actor=actor,
            organisation_id=organisation.id,
            to_state=OrganisationStatus.APPLICANT.value,
            contact_email=contact_email.strip().lower(),
        )
        invite_user(
            contact_email,
            contact_name,
            Role.PARTNER_ADMIN,
            organisation=organisation,
            invited_by=actor,
        )
    except IntegrityError:
        # Someone else took the name or the e-mail address since the form was checked.
        db.session.rollback()
        raise OrganisationRefused(
            _l(
                "In the meantime, an organisation with this name or an account with this e-mail "
                "address was created. Please check the network overview."
            )
        ) from None
    return organisation
