"""Forms of the partners blueprint."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, StopValidation

from portal.forms import PortalForm
from portal.labels import label
from portal.models import Sector
from portal.partners.queries import PartnerFilters
from portal.regions import REGIERUNGSBEZIRKE, region_choices

SEARCH_MAX = 200


class KnownChoice:
    """The value is one of the field's choices; our own message instead of WTForms' English."""

    def __call__(self, form, field):
        if not field.data:
            return  # "all": no filter
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose one of the options in the list."))


class PartnerSearchForm(PortalForm):
    """Search, filters and sort order of the public list. Sent by GET: no CSRF token, and
    bookmarkable addresses."""

    class Meta:
        csrf = False

    q = SearchField(
        _l("Name contains"),
        validators=[
            Length(
                max=SEARCH_MAX,
                message=_l("Enter at most %(max)d characters.", max=SEARCH_MAX),
            )
        ],
    )
    sector = SelectField(_l("Sector"), validate_choice=False, validators=[KnownChoice()])
    regierungsbezirk = SelectField(
        _l("Regierungsbezirk"), validate_choice=False, validators=[KnownChoice()]
    )
    kreis = SelectField(
        _l("Kreis or kreisfreie Stadt"), validate_choice=False, validators=[KnownChoice()]
    )
    sort = SelectField(
        _l("Sort by"),
        validate_choice=False,
        validators=[KnownChoice()],
        choices=[
            ("member_number", _l("Member number")),
            ("name", _l("Name")),
            ("member_since", _l("Member since (newest first)")),
        ],
        default="member_number",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sector.choices = [("", _l("All sectors"))] + [
            (sector.value, label(sector)) for sector in Sector
        ]
        self.regierungsbezirk.choices = [("", _l("All Regierungsbezirke"))] + [
            (name, name) for name in REGIERUNGSBEZIRKE
        ]
        self.kreis.choices = [("", _l("All Kreise and kreisfreie Städte"))] + region_choices()

    def filters(self) -> PartnerFilters:
        """The valid part of the input after validate(); a field with an error is ignored."""

        def valid(field, fallback=""):
            return fallback if field.errors or field.data is None else field.data

        return PartnerFilters(
            q=valid(self.q),
            sector=valid(self.sector),
            regierungsbezirk=valid(self.regierungsbezirk),
            kreis=valid(self.kreis),
            sort=valid(self.sort, "member_number") or "member_number",
        )


class AgreementForm(PortalForm):
    """Recording the signed partnership agreement (ministry)."""

    signed_on = DateField(
        _l("Date of signature"),
        validators=[InputRequired(_l("Please enter the date of signature."))],
    )
    ministry_signatory = StringField(
        _l("Signed for the ministry by"),
        validators=[DataRequired(_l("Please enter who signed for the ministry.")), Length(max=200)],
    )
    organisation_signatory = StringField(
        _l("Signed for the organisation by"),
        validators=[
            DataRequired(_l("Please enter who signed for the organisation.")),
            Length(max=200),
        ],
    )
    signed_pdf = FileField(
        _l("Signed agreement (PDF, at most 10 MB)"),
        validators=[FileRequired(_l("Please choose the signed agreement as a PDF file."))],
    )

    def validate_signed_on(self, field):
        if field.data and field.data > date.today():
            raise ValidationError(_l("The date of signature cannot be in the future."))
        if field.data and field.data.year < 2000:
            raise ValidationError(_l("Please check the year of the date of signature."))


class DateUnlessDecline:
    """The date is required for a pause, a resumption and an end; a decline takes effect on the
    day it is saved, so its page does not ask for a date."""

    def __call__(self, form, field):
        if form.action.data == "decline":
            field.errors[:] = []
            field.data = None
            raise StopValidation()
        if not field.raw_data or not field.raw_data[0]:
            field.errors[:] = []
            raise StopValidation(_l("Please enter the date."))


class PartnershipChangeForm(PortalForm):
    """Pause, resume or end a partnership, or decline an application (ministry). Choices depend
    on the current status."""

    action = RadioField(
        _l("What do you want to do?"),
        choices=[
            ("pause", _l("Pause the partnership")),
            ("resume", _l("Resume the partnership")),
            ("end", _l("End the partnership")),
            ("decline", _l("Decline the application")),
        ],
        validators=[InputRequired(_l("Please choose what you want to do."))],
    )
    effective_on = DateField(_l("Effective from"), validators=[DateUnlessDecline()])
    reason = TextAreaField(
        _l("Reason"),
        validators=[Length(max=2000)],
        description=_l("Required for a pause and an end. The partner's contact persons read it."),
    )

    def validate_reason(self, field):
        if self.action.data in ("pause", "end", "decline") and not (field.data or "").strip():
            raise ValidationError(_l("Please give a reason."))
