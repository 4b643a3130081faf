"""Forms of the network blueprint: search and filters of the overview, and the ministry's form
to create an organisation and invite its contact person."""

import re
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SearchField, SelectField, StringField, ValidationError
from wtforms.validators import DataRequired, Email, Length, Optional

from portal.auth.services import find_user_by_email
from portal.forms import PortalForm
from portal.labels import label
from portal.models import OrganisationStatus, Sector
from portal.network.queries import NetworkFilters
from portal.partners.forms import SEARCH_MAX, KnownChoice
from portal.partners.naming import name_taken
from portal.regions import REGIERUNGSBEZIRKE, region_choices


def _at_most(maximum: int):
    return Length(max=maximum, message=_l("Enter at most %(max)d characters.", max=maximum))


class NetworkSearchForm(PortalForm):
    """Search, filters and sort order of the network overview. Sent by GET: no CSRF token, and
    bookmarkable addresses."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name contains"), validators=[_at_most(SEARCH_MAX)])
    status = SelectField(_l("Status"), validate_choice=False, validators=[KnownChoice()])
    sector = SelectField(_l("Sector"), validate_choice=False, validators=[KnownChoice()])
    regierungsbezirk = SelectField(
        _l("Regierungsbezirk"), validate_choice=False, validators=[KnownChoice()]
    )
    sort = SelectField(
        _l("Sort by"),
        validate_choice=False,
        validators=[KnownChoice()],
        choices=[
            ("name", _l("Name")),
            ("member_number", _l("Member number")),
            ("status_changed", _l("Last change of status (newest first)")),
        ],
        default="name",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [("", _l("All statuses"))] + [
            (status.value, label(status)) for status in OrganisationStatus
        ]
        self.sector.choices = [("", _l("All sectors"))] + [
            (sector.value, label(sector)) for sector in Sector
        ]
        self.regierungsbezirk.choices = [("", _l("All Regierungsbezirke"))] + [
            (name, name) for name in REGIERUNGSBEZIRKE
        ]

    def filters(self) -> NetworkFilters:
        """The valid part of the input after validate(); a field with an error is ignored."""

        def valid(field, fallback=""):
            return fallback if field.errors or field.data is None else field.data

        return NetworkFilters(
            q=valid(self.q),
            status=valid(self.status),
            sector=valid(self.sector),
            regierungsbezirk=valid(self.regierungsbezirk),
            sort=valid(self.sort, "name") or "name",
        )


def _with_scheme(value):
    """People type "www.example.de"; it is kept as "https://www.example.de"."""
    if isinstance(value, str) and value and "://" not in value:
        return "https://" + value
    return value


class WebsiteAddress:
    """An http(s) address with a host name that has a dot: never "javascript:" or a bare word.
    Adds "https://" when it is missing (PortalForm replaces a field's own `filters`, so the
    validator does it)."""

    def __call__(self, form, field):
        if not field.data:
            return
        field.data = _with_scheme(field.data)
        try:
            parts = urlsplit(field.data)
            host = parts.hostname or ""
        except ValueError:
            host, parts = "", None
        if parts is None or parts.scheme not in ("http", "https") or "." not in host:
            raise ValidationError(
                _l("Enter the address of the website, like https://www.example.de.")
            )


class OrganisationForm(PortalForm):
    """The ministry creates an organisation as applicant and invites its contact person."""

    name = StringField(
        _l("Name of the organisation"),
        validators=[
            DataRequired(_l("Please enter the name of the organisation.")),
            _at_most(200),
        ],
    )
    sector = SelectField(
        _l("Sector"),
        validate_choice=False,
        validators=[DataRequired(_l("Please choose the sector.")), KnownChoice()],
    )
    kreis = SelectField(
        _l("Kreis or kreisfreie Stadt"),
        validate_choice=False,
        validators=[
            DataRequired(_l("Please choose the Kreis or kreisfreie Stadt.")),
            KnownChoice(),
        ],
    )
    website = StringField(
        _l("Website"),
        validators=[Optional(), _at_most(300), WebsiteAddress()],
    )
    street = StringField(_l("Street and number"), validators=[Optional(), _at_most(200)])
    postcode = StringField(_l("Postcode"), validators=[Optional(), _at_most(10)])
    city = StringField(_l("Town or city"), validators=[Optional(), _at_most(100)])
    contact_name = StringField(
        _l("Name of the contact person"),
        validators=[
            DataRequired(_l("Please enter the name of the contact person.")),
            _at_most(200),
        ],
    )
    contact_email = EmailField(
        _l("E-mail address of the contact person"),
        validators=[
            DataRequired(_l("Please enter the e-mail address of the contact person.")),
            _at_most(254),
            Email(_l("Enter an e-mail address in the correct format, like name@example.org.")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sector.choices = [("", _l("Please choose"))] + [
            (sector.value, label(sector)) for sector in Sector
        ]
        self.kreis.choices = [("", _l("Please choose"))] + region_choices()

    def validate_name(self, field):
        if field.data and name_taken(field.data):
            raise ValidationError(
                _l("An organisation with this name already exists. Search for it in the network.")
            )

    def validate_postcode(self, field):
        if field.data and not re.fullmatch(r"\d{5}", field.data):
            raise ValidationError(_l("Enter the postcode as five digits, like 32423."))

    def validate_contact_email(self, field):
        if field.data and find_user_by_email(field.data) is not None:
            raise ValidationError(
                _l(
                    "There is already an account with this e-mail address. "
                    "Each person can belong to one organisation only."
                )
            )
