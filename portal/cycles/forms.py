"""Forms of the cycles blueprint: opening a cycle, extending and reopening, the confirmation of
reminders and closing, and the filters of the overview."""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SearchField,
    SelectField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length

from portal.cycles import queries
from portal.forms import PortalForm
from portal.partners.forms import SEARCH_MAX, KnownChoice
from portal.reports.cycles import DEFAULT_GRACE_MONTHS, add_months, default_due_date

REASON_MAX = 2000
FIRST_YEAR = 2000
GRACE_MAX = 36


class PortalDateField(DateField):
    """A date from the browser's date picker (2026-03-31) or typed the German way (31.03.2026),
    with our own message for anything else."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%Y-%m-%d", "%d.%m.%Y"], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(_l("Enter a real date, for example 31.03.2026.")) from None
        if self.data is not None and not FIRST_YEAR <= self.data.year <= 2100:
            self.data = None
            raise ValueError(_l("Please check the year of the date."))


class WholeNumberField(IntegerField):
    """A whole number, with our own message for text that is none."""

    def __init__(self, label=None, validators=None, message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message or _l("Enter a whole number, like 6.")

    def process_formdata(self, valuelist):
        self.data = None
        text = ((valuelist[0] if valuelist else "") or "").strip()
        if not text:
            return
        if not (text.isascii() and text.isdigit()) or len(text) > 6:
            raise ValueError(self.message)
        self.data = int(text)


def _reason():
    return TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(_l("Please give a reason.")),
            Length(
                max=REASON_MAX,
                message=_l("Enter at most %(max)d characters.", max=REASON_MAX),
            ),
        ],
        description=_l("Recorded in the audit log and shown to the ministry."),
    )


def proposed_due_date(year: int, opens_on: date) -> date:
    """31 March of the following year; when a cycle opens later than that, three months after
    the opening, so the partners have time to write."""
    due_on = default_due_date(year)
    return due_on if due_on > opens_on else add_months(opens_on, 3)


class OpenCycleForm(PortalForm):
    """Open the reporting cycle for a year (ministry). `counted_year` is the year whose number of
    partners the page showed: the cycle is opened only once the count for the chosen year has
    been seen."""

    year = WholeNumberField(
        _l("Reporting year"),
        validators=[InputRequired(_l("Please enter the reporting year."))],
        message=_l("Enter the year as four digits, like 2025."),
        description=_l("The year the partners report on."),
    )
    opens_on = PortalDateField(
        _l("Opening date"),
        validators=[InputRequired(_l("Please enter the opening date."))],
        description=_l("From this day the partners can work on their reports."),
    )
    due_on = PortalDateField(
        _l("Due date"),
        validators=[InputRequired(_l("Please enter the due date."))],
        description=_l("Usually 31 March of the year after the reporting year."),
    )
    grace_months = WholeNumberField(
        _l("Grace period in months"),
        validators=[InputRequired(_l("Please enter the grace period in months."))],
        message=_l("Enter a number of months from 0 to %(max)d.", max=GRACE_MAX),
        description=_l(
            "A partner whose report is still missing this long after the due date is flagged as "
            "non-reporting."
        ),
    )
    counted_year = HiddenField()

    def set_defaults(self, today: date) -> None:
        """Last year's cycle, opening today, due 31 March, the usual grace period."""
        year = today.year - 1
        self.year.data = year
        self.opens_on.data = today
        self.due_on.data = proposed_due_date(year, today)
        self.grace_months.data = DEFAULT_GRACE_MONTHS

    def validate_year(self, field):
        if field.data is None:
            return
        if not FIRST_YEAR <= field.data <= date.today().year:
            raise ValidationError(
                _l(
                    "Enter a year from %(first)d to %(last)d: a cycle is opened for a year that "
                    "has begun.",
                    first=FIRST_YEAR,
                    last=date.today().year,
                )
            )
        if queries.year_taken(field.data):
            raise ValidationError(
                _l("A reporting cycle for %(year)s already exists.", year=field.data)
            )

    def validate_due_on(self, field):
        if field.data and self.opens_on.data and field.data <= self.opens_on.data:
            raise ValidationError(_l("The due date must be after the opening date."))

    def validate_grace_months(self, field):
        if field.data is not None and not 0 <= field.data <= GRACE_MAX:
            raise ValidationError(_l("Enter a number of months from 0 to %(max)d.", max=GRACE_MAX))

    def count_seen(self) -> bool:
        return self.counted_year.data == str(self.year.data)


class _OrganisationChoice(SelectField):
    """An organisation with a report in the cycle; our own message for anything else."""

    def __init__(self, label, *, everyone: str | None = None, **kwargs):
        super().__init__(label, validate_choice=False, coerce=str, **kwargs)
        self.everyone = everyone

    def set_organisations(self, organisations: list[tuple[int, str]]) -> None:
        first = [("", self.everyone)] if self.everyone else [("", _l("Please choose"))]
        self.choices = first + [(str(org_id), name) for org_id, name in organisations]

    @property
    def organisation_id(self) -> int | None:
        return int(self.data) if self.data and self.data.isdigit() else None


class KnownOrganisation:
    def __call__(self, form, field):
        if not field.data:
            return
        if field.data not in {value for value, _label in field.choices if value}:
            raise ValidationError(_l("Choose one of the organisations in the list."))


class ExtendForm(PortalForm):
    """Extend the due date for everyone or for one organisation (ministry)."""

    organisation = _OrganisationChoice(
        _l("For whom"), everyone=_l("Every organisation"), validators=[KnownOrganisation()]
    )
    due_on = PortalDateField(
        _l("New due date"), validators=[InputRequired(_l("Please enter the new due date."))]
    )
    reason = _reason()

    def __init__(self, cycle, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cycle = cycle

    def validate_due_on(self, field):
        if field.data and field.data <= self.cycle.opens_on:
            raise ValidationError(_l("The due date must be after the opening date."))


class ReopenForm(PortalForm):
    """Reopen a closed cycle for one organisation (ministry)."""

    organisation = _OrganisationChoice(
        _l("Organisation"),
        validators=[DataRequired(_l("Please choose the organisation.")), KnownOrganisation()],
    )
    due_on = PortalDateField(
        _l("New due date"), validators=[InputRequired(_l("Please enter the new due date."))]
    )
    reason = _reason()

    def validate_due_on(self, field):
        if field.data and field.data < date.today():
            raise ValidationError(_l("The new due date must not be in the past."))


class ConfirmForm(PortalForm):
    """The second step of sending reminders and of closing: `confirmed` says the user saw what
    will happen."""

    confirmed = HiddenField()

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed.data == "yes"


class OverviewFilterForm(PortalForm):
    """Search, standing filter and sort order of a cycle's overview. Sent by GET: no CSRF token,
    and bookmarkable addresses."""

    class Meta:
        csrf = False

    q = SearchField(
        _l("Name contains"),
        validators=[
            Length(max=SEARCH_MAX, message=_l("Enter at most %(max)d characters.", max=SEARCH_MAX))
        ],
    )
    standing = SelectField(
        _l("Standing"),
        validate_choice=False,
        validators=[KnownChoice()],
        choices=[
            ("", _l("All reports")),
            ("not_submitted", _l("Not submitted yet (not yet due, overdue, non-reporting)")),
            ("non_reporting", _l("Non-reporting")),
            ("overdue", _l("Overdue")),
            ("open", _l("Not yet due")),
            ("submitted_late", _l("Submitted late")),
            ("submitted_on_time", _l("Submitted on time")),
        ],
    )
    sort = SelectField(
        _l("Sort by"),
        validate_choice=False,
        validators=[KnownChoice()],
        choices=[
            ("name", _l("Name")),
            ("standing", _l("Standing (non-reporting first)")),
            ("due_on", _l("Due date (earliest first)")),
            ("submitted", _l("Date submitted (newest first)")),
        ],
        default="name",
    )

    def filters(self) -> queries.OverviewFilters:
        """The valid part of the input after validate(); a field with an error is ignored."""

        def valid(field, fallback=""):
            return fallback if field.errors or field.data is None else field.data

        return queries.OverviewFilters(
            q=valid(self.q),
            standing=valid(self.standing),
            sort=valid(self.sort, "name") or "name",
        )
