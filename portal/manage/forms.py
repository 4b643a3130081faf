"""Forms of the manage blueprint: the organisation's profile and the people with access."""

import re
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
    ValidationError,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from portal.forms import PortalForm
from portal.labels import label
from portal.models import EmployeeBand, Role, Sector
from portal.partners.naming import name_taken
from portal.regions import region_choices

DESCRIPTION_MAX = 2000
INTERNAL_NOTES_MAX = 10000
WEBSITE_MAX = 300

PROFILE_FIELD_NAMES = (
    "sector",
    "kreis",
    "website",
    "description",
    "show_in_public_list",
    "street",
    "postcode",
    "city",
    "employee_band",
)
MINISTRY_FIELD_NAMES = ("name", "internal_notes")


def one_line_breaks(value):
    """Browsers send line breaks as CR LF; each is counted and stored as one character."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


class TextLength:
    """At most `max` characters, a line break counting as one (as the browser shows it).

    (A field's own `filters` are not applied by PortalForm, so the counting happens here and the
    form's `profile_values` stores the normalised text.)"""

    def __init__(self, max: int, message):
        self.max = max
        self.message = message

    def __call__(self, form, field):
        if field.data and len(one_line_breaks(field.data)) > self.max:
            raise ValidationError(self.message)


def website_with_scheme(value: str) -> str:
    """What people type, "www.example.de", is stored as "https://www.example.de"."""
    if value and "://" not in value and not value.startswith("//"):
        return "https://" + value
    return value


class Choice:
    """The value is one of the field's choices (`required`: and not empty), with our own
    messages instead of WTForms' generic "Not a valid choice"."""

    def __init__(self, required_message=None):
        self.required_message = required_message

    def __call__(self, form, field):
        if not field.data:
            if self.required_message:
                raise ValidationError(self.required_message)
            return
        if field.data not in {value for value, _text in field.choices if value}:
            raise ValidationError(_l("Choose one of the options in the list."))


class WebsiteAddress:
    """An http(s) address with a host name: never "javascript:" or a bare word."""

    def __call__(self, form, field):
        if not field.data:
            return
        address = website_with_scheme(field.data)
        try:
            parts = urlsplit(address)
            scheme, host = parts.scheme, parts.hostname or ""
        except ValueError:
            scheme, host = "", ""
        if (
            scheme not in ("http", "https")
            or "." not in host.strip(".")
            or not re.fullmatch(r"[a-z0-9.-]+", host)
            or re.search(r"\s", address)
        ):
            raise ValidationError(
                _l("Enter the address of your website, for example https://www.example.de.")
            )


class Postcode:
    def __call__(self, form, field):
        if field.data and not re.fullmatch(r"\d{5}", field.data):
            raise ValidationError(_l("Enter the five-digit postcode, for example 32423."))


class ProfileForm(PortalForm):
    """What a partner admin edits; the ministry's form adds the name and internal notes."""

    # Public: shown in the partner list and the public profile.
    sector = RadioField(
        _l("Sector"),
        validate_choice=False,
        validators=[Choice(_l("Please choose the sector of your organisation."))],
    )
    kreis = SelectField(
        _l("Kreis or kreisfreie Stadt"),
        validate_choice=False,
        validators=[Choice(_l("Please choose the Kreis or kreisfreie Stadt."))],
    )
    website = URLField(
        _l("Website"),
        validators=[
            Optional(),
            Length(
                max=WEBSITE_MAX,
                message=_l("Enter at most %(max)d characters.", max=WEBSITE_MAX),
            ),
            WebsiteAddress(),
        ],
    )
    description = TextAreaField(
        _l("Description"),
        validators=[
            Optional(),
            TextLength(
                DESCRIPTION_MAX,
                message=_l(
                    "The description must be %(max)d characters or fewer.", max=DESCRIPTION_MAX
                ),
            ),
        ],
    )
    show_in_public_list = BooleanField(_l("Show our organisation in the public partner list"))
    # Not public: seen by the organisation and the ministry only.
    street = StringField(_l("Street and house number"), validators=[Optional(), Length(max=200)])
    postcode = StringField(_l("Postcode"), validators=[Optional(), Length(max=10), Postcode()])
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    employee_band = SelectField(
        _l("Number of employees"), validate_choice=False, validators=[Optional(), Choice()]
    )

    def __init__(self, *args, organisation_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id = organisation_id
        self.sector.choices = [(sector.value, label(sector)) for sector in Sector]
        self.kreis.choices = [("", _l("Please choose"))] + region_choices()
        self.employee_band.choices = [("", _l("Not specified"))] + [
            (band.value, label(band)) for band in EmployeeBand
        ]

    def profile_values(self) -> dict:
        """The validated input as the service takes it."""
        values = {
            name: field.data
            for name, field in self._fields.items()
            if name in PROFILE_FIELD_NAMES or name in MINISTRY_FIELD_NAMES
        }
        values["website"] = website_with_scheme(values["website"] or "")
        for name in ("description", "internal_notes"):
            if name in values:
                values[name] = one_line_breaks(values[name])
        return values


class MinistryProfileForm(ProfileForm):
    """The ministry also renames the organisation and keeps internal notes."""

    name = StringField(
        _l("Name of the organisation"),
        validators=[
            DataRequired(_l("Please enter the name of the organisation.")),
            Length(max=200, message=_l("Enter at most %(max)d characters.", max=200)),
        ],
    )
    internal_notes = TextAreaField(
        _l("Internal notes of the ministry"),
        validators=[
            Optional(),
            TextLength(
                INTERNAL_NOTES_MAX,
                message=_l("Enter at most %(max)d characters.", max=INTERNAL_NOTES_MAX),
            ),
        ],
    )

    def validate_name(self, field):
        if field.data and name_taken(field.data, exclude_id=self.organisation_id):
            raise ValidationError(_l("Another organisation already has this name."))


ROLE_CHOICES = [
    (Role.PARTNER_EDITOR.value, _l("Editor: works on the concept and the annual reports")),
    (
        Role.PARTNER_ADMIN.value,
        _l(
            "Partner admin: as editor, and also submits, edits the organisation's profile and "
            "manages who has access"
        ),
    ),
]


class InviteForm(PortalForm):
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(_l("Please enter the name of the person.")),
            Length(max=200, message=_l("Enter at most %(max)d characters.", max=200)),
        ],
    )
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(_l("Please enter the e-mail address of the person.")),
            Length(max=254, message=_l("Enter at most %(max)d characters.", max=254)),
            Email(
                _l("Please enter a valid e-mail address, like name@example.org."),
                check_deliverability=False,
            ),
        ],
    )
    role = RadioField(
        _l("Role"),
        choices=ROLE_CHOICES,
        default=Role.PARTNER_EDITOR.value,
        validate_choice=False,
        validators=[Choice(_l("Please choose a role."))],
    )


class RoleForm(PortalForm):
    """The row button "make … an editor / a partner admin" sends the new role."""

    role = RadioField(
        _l("New role"),
        choices=ROLE_CHOICES,
        validate_choice=False,
        validators=[Choice(_l("Please choose a role."))],
    )


class ContactPersonForm(PortalForm):
    """The row button "mark / unmark as contact person" sends the wanted state."""

    is_contact_person = RadioField(
        _l("Contact person"),
        choices=[("yes", _l("Contact person")), ("no", _l("Not a contact person"))],
        validate_choice=False,
        validators=[Choice(_l("Please choose whether the person is a contact person."))],
    )


class ConfirmForm(PortalForm):
    """A button press with nothing to fill in (deactivate, reactivate): only the CSRF token."""
