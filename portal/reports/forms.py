"""Forms of the annual report.

The key figures and the progress per measure are data (the active indicators, the measures of
the concept in force), so their forms are built per request: `figures_form(content)` and
`progress_form(content)`. Every edit form carries the report's `lock_version` (optimistic
locking, see portal/reports/services.py). A draft may be saved with answers missing; what
submitting needs is in portal/reports/completeness.py."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length

from portal.comments import MAX_COMMENT_LENGTH
from portal.concepts.forms import NumberField
from portal.concepts.numbers import NumberFormatError, parse_number
from portal.forms import PortalForm
from portal.labels import label
from portal.models import MeasureStatus
from portal.reports.figures import Figure, figure_problems

NARRATIVE_MAX = 5_000
TEXT_MAX = 10_000


def _max(n: int) -> Length:
    return Length(max=n, message=_l("Please shorten this to %(max)d characters.", max=n))


class LockForm(PortalForm):
    """The hidden version of optimistic locking, in every form that changes the report."""

    lock_version = HiddenField()

    def validate_lock_version(self, field):
        try:
            int(field.data)
        except (TypeError, ValueError):
            raise ValidationError(
                _l("This page was incomplete. Please reload it; your entries were not saved.")
            ) from None

    @property
    def version(self) -> int:
        return int(self.lock_version.data)


# --- key figures ------------------------------------------------------------------------------


class CountField(StringField):
    """A whole number of people (or languages) as partners type it: "1234" and "1.234" are fine;
    "1,5", "-3" and "abc" are refused at the field."""

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "") or ""
        if not text.strip():
            return
        try:
            number = parse_number(text)
        except NumberFormatError as error:
            if error.kind == "negative":
                raise ValueError(_l("Enter a whole number of 0 or more.")) from None
            if error.kind == "decimals":
                raise ValueError(
                    _l("Enter a whole number without decimals, for example 120.")
                ) from None
            if error.kind == "too_large":
                raise ValueError(_l("This number is too large. Please check it.")) from None
            raise ValueError(_l("Enter a whole number, for example 120.")) from None
        if number != number.to_integral_value():
            raise ValueError(_l("Enter a whole number without decimals, for example 120."))
        self.data = int(number)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


class FiguresFormBase(LockForm):
    """Fields `value_<indicator id>` and `not_surveyed_<indicator id>` are added per request."""

    indicators: list = []

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        problems = figure_problems(self.figures(), self.indicators)
        for indicator_id, message in problems.items():
            field = self[f"value_{indicator_id}"]
            if not field.errors:
                field.errors = [*field.errors, message]
                valid = False
        return valid

    def figures(self) -> dict[int, Figure]:
        """The typed figures; a number with an error counts as not given."""
        figures = {}
        for indicator in self.indicators:
            value_field = self[f"value_{indicator.id}"]
            value = None if value_field.process_errors else value_field.data
            figures[indicator.id] = Figure(value, bool(self[f"not_surveyed_{indicator.id}"].data))
        return figures


def figures_form(content, **kwargs) -> FiguresFormBase:
    """The key-figures form for the report's active indicators, filled from the saved figures
    (or from the request's form data)."""

    class FiguresForm(FiguresFormBase):
        pass

    data = {}
    for indicator in content.indicators:
        name = content.figure_label(indicator)
        setattr(FiguresForm, f"value_{indicator.id}", CountField(name))
        setattr(
            FiguresForm,
            f"not_surveyed_{indicator.id}",
            BooleanField(_l("Not surveyed (%(figure)s)", figure=name)),
        )
        figure = content.figures.get(indicator.id, Figure())
        data[f"value_{indicator.id}"] = figure.value
        data[f"not_surveyed_{indicator.id}"] = figure.not_surveyed
    FiguresForm.indicators = list(content.indicators)
    return FiguresForm(data=data, **kwargs)


# --- progress per measure ---------------------------------------------------------------------


def status_choices():
    return [(status.value, label(status)) for status in MeasureStatus]


class ProgressFormBase(LockForm):
    """Fields `status_<lineage>`, `actual_<lineage>` and `narrative_<lineage>` per measure."""

    lineages: list[str] = []

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        known = {value for value, _text in status_choices()}
        for lineage in self.lineages:
            status = self[f"status_{lineage}"]
            narrative = self[f"narrative_{lineage}"]
            if status.data not in known:
                status.errors = [*status.errors, _l("Choose one of the options in the list.")]
                valid = False
            elif (
                status.data == MeasureStatus.DROPPED.value
                and not (narrative.data or "").strip()
                and not narrative.errors
            ):
                narrative.errors = [
                    *narrative.errors,
                    _l("Please say why the measure was dropped."),
                ]
                valid = False
        return valid

    def progress(self) -> dict[str, tuple[MeasureStatus, Decimal | None, str]]:
        """Status, actual value and narrative by measure lineage (after validate)."""
        return {
            lineage: (
                MeasureStatus(self[f"status_{lineage}"].data),
                self[f"actual_{lineage}"].data,
                self[f"narrative_{lineage}"].data or "",
            )
            for lineage in self.lineages
        }


def progress_form(content, **kwargs) -> ProgressFormBase:
    class ProgressForm(ProgressFormBase):
        pass

    data = {}
    for measure in content.measures:
        lineage = measure.lineage_id
        number = content.measure_number(measure)
        setattr(
            ProgressForm,
            f"status_{lineage}",
            SelectField(
                _l("Status of measure %(number)s", number=number),
                choices=status_choices(),
                validate_choice=False,
            ),
        )
        setattr(
            ProgressForm,
            f"actual_{lineage}",
            NumberField(_l("Actual value of measure %(number)s", number=number)),
        )
        setattr(
            ProgressForm,
            f"narrative_{lineage}",
            TextAreaField(
                _l("What happened in measure %(number)s", number=number),
                validators=[_max(NARRATIVE_MAX)],
            ),
        )
        row = content.progress.get(lineage)
        data[f"status_{lineage}"] = (row.status if row else MeasureStatus.NOT_STARTED).value
        data[f"actual_{lineage}"] = row.actual_value if row else None
        data[f"narrative_{lineage}"] = row.narrative if row else ""
    ProgressForm.lineages = [m.lineage_id for m in content.measures]
    return ProgressForm(data=data, **kwargs)


# --- assessment and story -----------------------------------------------------------------------


class AssessmentForm(LockForm):
    overall_assessment = TextAreaField(
        _l("Overall assessment"),
        validators=[_max(TEXT_MAX)],
        description=_l(
            "How did the intercultural opening of your organisation go this year? What worked well?"
        ),
    )
    challenges = TextAreaField(
        _l("Challenges"),
        validators=[_max(TEXT_MAX)],
        description=_l("What was difficult, and what held you back?"),
    )
    next_steps = TextAreaField(
        _l("Next steps"),
        validators=[_max(TEXT_MAX)],
        description=_l("What do you plan for the coming year?"),
    )
    good_practice_story = TextAreaField(
        _l("Good-practice story"),
        validators=[_max(TEXT_MAX)],
        description=_l(
            "Optional: a short story of something that worked well and that other partners could "
            "learn from."
        ),
    )
    share_story = BooleanField(_l("Share the story with the network"))

    def validate_share_story(self, field):
        if field.data and not (self.good_practice_story.data or "").strip():
            raise ValidationError(
                _l("Please write the story you want to share, or untick the box.")
            )

    def texts(self) -> dict[str, str]:
        return {
            name: self[name].data or ""
            for name in ("overall_assessment", "challenges", "next_steps", "good_practice_story")
        }

    @staticmethod
    def data_of(report) -> dict:
        return {
            "lock_version": report.lock_version,
            "overall_assessment": report.overall_assessment,
            "challenges": report.challenges,
            "next_steps": report.next_steps,
            "good_practice_story": report.good_practice_story,
            "share_story": report.share_story,
        }


# --- submit, withdraw, comment ------------------------------------------------------------------


class SubmitForm(LockForm):
    """Submitting carries the version the partner admin checked."""


class ActionForm(PortalForm):
    """A button that changes the state (withdraw): only the CSRF token."""


class CommentForm(PortalForm):
    body = TextAreaField(
        _l("Your comment"),
        validators=[
            DataRequired(_l("Please write a comment.")),
            _max(MAX_COMMENT_LENGTH),
        ],
    )
    reply_to = HiddenField()

    def validate_reply_to(self, field):
        if field.data and not str(field.data).isdigit():
            raise ValidationError(_l("This comment belongs to another submission."))

    @property
    def reply_to_id(self) -> int | None:
        return int(self.reply_to.data) if self.reply_to.data else None
