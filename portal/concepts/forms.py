"""Forms of the concepts blueprint.

A draft always saves: only the field of action is needed to save a measure at all, and every
other answer may be missing until the concept is submitted (see portal/concepts/completeness.py
for what submitting needs). Every edit form carries the concept's `lock_version` and a digest of
the text it was opened with, so a save over someone else's newer text is refused
(portal/concepts/services.py)."""

from datetime import date

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length, Optional

from portal.comments import MAX_COMMENT_LENGTH
from portal.concepts.numbers import NumberFormatError, parse_number
from portal.forms import PortalForm

SECTION_MAX = 10_000
DESCRIPTION_MAX = 10_000
YEAR_MIN, YEAR_MAX = 2000, 2100


def _max(n: int) -> Length:
    return Length(max=n, message=_l("Please shorten this to %(max)d characters.", max=n))


class LockFields:
    """The hidden fields of optimistic locking (mixed into every edit form)."""

    lock_version = HiddenField()
    base_digest = HiddenField()

    def lock(self) -> tuple[int | None, str]:
        try:
            version = int(self.lock_version.data)
        except (TypeError, ValueError):
            version = None
        return version, self.base_digest.data or ""


class ActionForm(PortalForm):
    """A button that changes state (start, amend, withdraw): only the CSRF token."""


class SubmitForm(LockFields, PortalForm):
    """Submitting carries the version the partner admin checked."""


class SectionsForm(LockFields, PortalForm):
    initial_situation = TextAreaField(
        _l("Initial situation"),
        validators=[_max(SECTION_MAX)],
        description=_l(
            "Where does your organisation stand today? For example the share of employees with "
            "immigration history, what you have done so far, what you want to change."
        ),
    )
    goals = TextAreaField(
        _l("Goals"),
        validators=[_max(SECTION_MAX)],
        description=_l("What do you want to reach in the coming years?"),
    )
    steering = TextAreaField(
        _l("Steering and responsibilities"),
        validators=[_max(SECTION_MAX)],
        description=_l("Who steers the intercultural opening, and who is responsible for what?"),
    )

    def section_values(self) -> dict:
        return {name: self[name].data or "" for name in ("initial_situation", "goals", "steering")}


class NumberField(StringField):
    """A number of a measure, typed the German way ("1.234,5") or with a decimal point."""

    MESSAGES = {
        "format": _l("Enter a number, for example 12,5 or 1.234."),
        "negative": _l("Enter a number of 0 or more."),
        "decimals": _l("Enter a number with at most two decimal places."),
        "too_large": _l("Enter a number below 10 billion."),
    }

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "") or ""
        if text.strip():
            try:
                self.data = parse_number(text)
            except NumberFormatError as error:
                raise ValueError(self.MESSAGES[error.kind]) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format_decimal(self.data, format="#,##0.##")


class YearField(StringField):
    def process_formdata(self, valuelist):
        self.data = None
        text = ((valuelist[0] if valuelist else "") or "").strip()
        if text:
            if not text.isdigit() or not YEAR_MIN <= int(text) <= YEAR_MAX:
                raise ValueError(
                    _l("Enter a year from %(min)d to %(max)d.", min=YEAR_MIN, max=YEAR_MAX)
                )
            self.data = int(text)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


class GermanDateField(DateField):
    """A date from the browser's date picker (2025-03-01) or typed the German way (01.03.2025)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%Y-%m-%d", "%d.%m.%Y"], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(_l("Enter a real date, for example 01.03.2025.")) from None
        if self.data is not None and not YEAR_MIN <= self.data.year <= YEAR_MAX:
            self.data = None
            raise ValueError(
                _l("Enter a date from the years %(min)d to %(max)d.", min=YEAR_MIN, max=YEAR_MAX)
            )


class MeasureForm(LockFields, PortalForm):
    field_of_action_id = SelectField(
        _l("Field of action"),
        validate_choice=False,
        validators=[DataRequired(_l("Choose the field of action this measure belongs to."))],
    )
    title = StringField(_l("Title"), validators=[_max(200)])
    description = TextAreaField(
        _l("Description"),
        validators=[_max(DESCRIPTION_MAX)],
        description=_l("What will you do, and how?"),
    )
    target_group = StringField(
        _l("Target group"),
        validators=[_max(300)],
        description=_l("For example trainees, managers or all employees."),
    )
    indicator_id = SelectField(
        _l("Indicator"),
        validate_choice=False,
        description=_l(
            "How you will measure success: choose a key figure of the annual report, or describe "
            "your own indicator in the next field."
        ),
    )
    indicator_text = StringField(
        _l("Your own indicator"),
        validators=[Optional(), _max(300)],
        description=_l("Only if none of the key figures in the list fits."),
    )
    baseline = NumberField(
        _l("Baseline"),
        validators=[Optional()],
        description=_l("The value today, for example 12,5 or 1.234."),
    )
    target_value = NumberField(
        _l("Target value"), description=_l("The value you want to reach, for example 15 or 20,5.")
    )
    target_year = YearField(_l("Target year"), description=_l("For example 2027."))
    start_date = GermanDateField(_l("Start date"))
    end_date = GermanDateField(_l("End date"), validators=[Optional()])
    responsible_unit = StringField(
        _l("Responsible unit"),
        validators=[_max(200)],
        description=_l("The department or team that carries out the measure."),
    )
    share_as_good_practice = BooleanField(
        _l("Share as good practice"),
        validators=[Optional()],
        description=_l(
            "Other partners may read this measure in the members' good-practice library."
        ),
    )

    def __init__(self, *args, fields_of_action=(), indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.field_of_action_id.choices = [("", _l("Choose a field of action"))] + [
            (str(f.id), name) for f, name in fields_of_action
        ]
        self.indicator_id.choices = [("", _l("None from the list"))] + [
            (str(i.id), name) for i, name in indicators
        ]

    def validate_field_of_action_id(self, field):
        if field.data and field.data not in {value for value, _ in field.choices}:
            raise ValidationError(_l("Choose one of the options in the list."))

    def validate_indicator_id(self, field):
        if field.data and field.data not in {value for value, _ in field.choices}:
            raise ValidationError(_l("Choose one of the options in the list."))

    def validate_indicator_text(self, field):
        if field.data and self.indicator_id.data:
            raise ValidationError(
                _l("Choose a key figure from the list or describe your own indicator, not both.")
            )

    def validate_target_year(self, field):
        start = self.start_date.data
        if field.data and isinstance(start, date) and field.data < start.year:
            raise ValidationError(
                _l("The target year cannot be before the start year (%(year)s).", year=start.year)
            )

    def validate_end_date(self, field):
        start = self.start_date.data
        if field.data and isinstance(start, date) and field.data < start:
            raise ValidationError(_l("The end cannot be before the start."))

    def measure_values(self) -> dict:
        """The typed values as Measure attributes."""
        return {
            "field_of_action_id": int(self.field_of_action_id.data),
            "title": self.title.data or "",
            "description": self.description.data or "",
            "target_group": self.target_group.data or "",
            "indicator_id": int(self.indicator_id.data) if self.indicator_id.data else None,
            "indicator_text": self.indicator_text.data or "",
            "baseline": self.baseline.data,
            "target_value": self.target_value.data,
            "target_year": self.target_year.data,
            "start_date": self.start_date.data,
            "end_date": self.end_date.data,
            "responsible_unit": self.responsible_unit.data or "",
            "share_as_good_practice": bool(self.share_as_good_practice.data),
        }

    @staticmethod
    def data_of(measure) -> dict:
        """A stored measure as form data (for `MeasureForm(data=...)`)."""
        return {
            "field_of_action_id": str(measure.field_of_action_id),
            "title": measure.title,
            "description": measure.description,
            "target_group": measure.target_group,
            "indicator_id": str(measure.indicator_id) if measure.indicator_id else "",
            "indicator_text": measure.indicator_text,
            "baseline": measure.baseline,
            "target_value": measure.target_value,
            "target_year": measure.target_year,
            "start_date": measure.start_date,
            "end_date": measure.end_date,
            "responsible_unit": measure.responsible_unit,
            "share_as_good_practice": measure.share_as_good_practice,
        }


class RemoveMeasureForm(LockFields, PortalForm):
    """Removing asks once more (without JavaScript): the first post shows the question."""

    confirmed = HiddenField()


class MoveMeasureForm(PortalForm):
    """Up or down, from the button's value. Moving cannot overwrite anyone's text, so it needs no
    lock."""

    direction = StringField()

    def validate_direction(self, field):
        if field.data not in ("up", "down"):
            raise ValidationError(_l("Choose up or down."))


class CommentForm(PortalForm):
    body = TextAreaField(
        _l("Your comment"),
        validators=[
            DataRequired(_l("Please write a comment.")),
            _max(MAX_COMMENT_LENGTH),
        ],
    )
