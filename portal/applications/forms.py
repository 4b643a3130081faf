"""Forms of the public application (Bewerbung)."""

import re
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from portal.applications.services import EMAIL_TAKEN, NAME_TAKEN
from portal.auth.services import find_user_by_email
from portal.forms import PortalForm, StrongPassword
from portal.labels import label
from portal.models import EmployeeBand, Sector
from portal.partners.naming import name_taken
from portal.regions import region_choices

NAME_MAX = 200
STREET_MAX = 200
CITY_MAX = 100
WEBSITE_MAX = 300
PERSON_MAX = 200
EMAIL_MAX = 254
MESSAGE_MAX = 2000

# A host name with at least one dot; letters of any script (Umlaut domains) are fine.
_HOST = re.compile(r"[\w-]+(\.[\w-]+)*\.[^\W\d_]{2,}")


def _at_most(maximum: int):
    return Length(max=maximum, message=_l("Enter at most %(max)d characters.", max=maximum))


class KnownChoice:
    """The value is one of the field's choices; our own message instead of WTForms' English."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if field.data not in {value for value, _label in field.choices if value}:
            raise ValidationError(self.message)


def normalise_website(value: str) -> str | None:
    """The address with https:// added when the scheme is missing, or None if it is not a web
    address ("www.example.org" becomes "https://www.example.org")."""
    value = (value or "").strip()
    if not value or any(ch.isspace() for ch in value):
        return None
    if not re.match(r"^[a-z][a-z0-9+.-]*://", value, re.I):
        value = "https://" + value
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        parts.port  # noqa: B018 -- raises ValueError for a port that is no number
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or parts.username or parts.password:
        return None
    if not _HOST.fullmatch(host):
        return None
    return value


class ApplicationForm(PortalForm):
    """The application: the organisation, then its contact person, who gets the first account.

    Fields are declared in the order of the page, so the error summary reads in that order."""

    # --- the organisation
    organisation_name = StringField(
        _l("Name of the organisation"),
        validators=[
            DataRequired(_l("Please enter the name of your organisation.")),
            _at_most(NAME_MAX),
        ],
    )
    sector = RadioField(
        _l("Sector"),
        validate_choice=False,
        validators=[KnownChoice(_l("Please choose the sector of your organisation."))],
    )
    street = StringField(
        _l("Street and house number"),
        validators=[
            DataRequired(_l("Please enter the street and house number.")),
            _at_most(STREET_MAX),
        ],
    )
    postcode = StringField(
        _l("Postcode"),
        validators=[DataRequired(_l("Please enter the postcode."))],
    )
    city = StringField(
        _l("Town or city"),
        validators=[DataRequired(_l("Please enter the town or city.")), _at_most(CITY_MAX)],
    )
    kreis = SelectField(
        _l("Kreis or kreisfreie Stadt"),
        validate_choice=False,
        validators=[
            KnownChoice(_l("Please choose the Kreis or kreisfreie Stadt of your organisation."))
        ],
    )
    website = StringField(_l("Website"), validators=[Optional(), _at_most(WEBSITE_MAX)])
    employee_band = RadioField(
        _l("Number of employees"),
        validate_choice=False,
        validators=[KnownChoice(_l("Please choose how many people your organisation employs."))],
    )

    # --- the contact person and the login
    contact_name = StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Please enter your name.")), _at_most(PERSON_MAX)],
    )
    contact_function = StringField(
        _l("Your function or position"),
        validators=[
            DataRequired(_l("Please enter your function or position in the organisation.")),
            _at_most(PERSON_MAX),
        ],
    )
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(_l("Please enter your e-mail address.")),
            _at_most(EMAIL_MAX),
            Email(
                _l("Please enter a valid e-mail address, like name@example.org."),
                check_deliverability=False,
            ),
        ],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Please choose a password.")), StrongPassword("email")],
    )
    password_confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(_l("Please repeat the password.")),
            EqualTo("password", _l("The two passwords do not match.")),
        ],
    )
    message = TextAreaField(
        _l("Message to the ministry"), validators=[Optional(), _at_most(MESSAGE_MAX)]
    )
    consent = BooleanField(
        _l(
            "I have read the privacy notice and agree that the ministry processes the details "
            "of this application"
        ),
        validators=[
            DataRequired(_l("Please agree to the privacy notice to send your application."))
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sector.choices = [(sector.value, label(sector)) for sector in Sector]
        self.kreis.choices = [("", _l("Please choose"))] + region_choices()
        self.employee_band.choices = [(band.value, label(band)) for band in EmployeeBand]
        # Set by validation; the template then offers the way on (log in, contact the ministry).
        self.name_taken = False
        self.email_taken = False

    def validate_organisation_name(self, field):
        if "<" in field.data or ">" in field.data:
            raise ValidationError(_l("The name must not contain angle brackets."))
        if name_taken(field.data):
            self.name_taken = True
            raise ValidationError(NAME_TAKEN)

    def validate_postcode(self, field):
        if not re.fullmatch(r"\d{5}", field.data):
            raise ValidationError(_l("Enter the postcode as 5 digits, like 40221."))

    def validate_website(self, field):
        normalised = normalise_website(field.data)
        if normalised is None:
            raise ValidationError(_l("Enter the address of the website, like www.example.org."))
        if len(normalised) > WEBSITE_MAX:
            raise ValidationError(_l("Enter at most %(max)d characters.", max=WEBSITE_MAX))
        field.data = normalised

    def validate_email(self, field):
        if find_user_by_email(field.data) is not None:
            self.email_taken = True
            raise ValidationError(EMAIL_TAKEN)

    def refuse(self, field_name: str | None, reason) -> None:
        """Show a refusal of the service at its field (or above the form)."""
        if field_name == "organisation_name":
            self.name_taken = True
        elif field_name == "email":
            self.email_taken = True
        if field_name and field_name in self._fields:
            self[field_name].errors = [*self[field_name].errors, reason]
        else:
            self.form_errors.append(reason)

    def application(self) -> dict:
        """The keyword arguments of services.apply."""
        return {
            "organisation_name": self.organisation_name.data,
            "sector": Sector(self.sector.data),
            "street": self.street.data,
            "postcode": self.postcode.data,
            "city": self.city.data,
            "kreis": self.kreis.data,
            "website": self.website.data or "",
            "employee_band": EmployeeBand(self.employee_band.data),
            "contact_name": self.contact_name.data,
            "contact_function": self.contact_function.data,
            "email": self.email.data,
            "password": self.password.data,
            "message": self.message.data or "",
        }


class ResendConfirmationForm(PortalForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(_l("Please enter your e-mail address.")),
            _at_most(EMAIL_MAX),
            Email(
                _l("Please enter a valid e-mail address, like name@example.org."),
                check_deliverability=False,
            ),
        ],
    )
