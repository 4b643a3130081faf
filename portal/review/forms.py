"""Forms of the review blueprint: queue filters, assignment, comments and decisions."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length

from portal.comments import MAX_COMMENT_LENGTH
from portal.forms import PortalForm
from portal.partners.forms import KnownChoice
from portal.review.queries import QueueFilters

TOO_LONG = _l("Please shorten the text to %(max)d characters.", max=MAX_COMMENT_LENGTH)


class QueueFilterForm(PortalForm):
    """Filters of the review queue. Sent by GET: no CSRF token, and bookmarkable addresses."""

    class Meta:
        csrf = False

    kind = SelectField(
        _l("Type"),
        validate_choice=False,
        validators=[KnownChoice()],
        choices=[
            ("", _l("Concepts and annual reports")),
            ("concept", _l("Concepts")),
            ("report", _l("Annual reports")),
        ],
    )
    status = SelectField(
        _l("Status"),
        validate_choice=False,
        validators=[KnownChoice()],
        choices=[
            ("submitted", _l("Submitted, waiting for review")),
            ("changes_requested", _l("Changes requested, waiting for the partner")),
        ],
        default="submitted",
    )
    assigned = SelectField(
        _l("Assigned to"),
        validate_choice=False,
        validators=[KnownChoice()],
        choices=[
            ("", _l("Anyone or nobody")),
            ("me", _l("Assigned to me")),
            ("unassigned", _l("Not assigned yet")),
        ],
    )
    waiting = SelectField(
        _l("Waiting time"),
        validate_choice=False,
        validators=[KnownChoice()],
        choices=[("", _l("Any waiting time")), ("long", _l("More than 14 days"))],
    )

    def filters(self) -> QueueFilters:
        """The valid part of the input after validate(); a field with an error is ignored."""

        def valid(field, fallback=""):
            return fallback if field.errors or not field.data else field.data

        return QueueFilters(
            kind=valid(self.kind),
            assigned=valid(self.assigned),
            status=valid(self.status, "submitted"),
            waiting=valid(self.waiting),
        )


class AssignForm(PortalForm):
    """Assign a submission to a reviewer (self or a colleague)."""

    reviewer = SelectField(
        _l("Assign to"),
        validate_choice=False,
        validators=[DataRequired(_l("Please choose a reviewer.")), KnownChoice()],
    )
    # Where to go back to after assigning (the queue with its filters, or the review page).
    return_to = HiddenField()

    def set_reviewers(self, reviewers, me) -> None:
        """Choices: the current user first, then the colleagues by name. Labels holding user text
        use `gettext`, not `lazy_gettext`: a lazy string counts as safe HTML and would not be
        escaped."""
        mine = [(str(me.id), _("Me (%(name)s)", name=me.name))]
        others = [(str(r.id), r.name) for r in reviewers if r.id != me.id]
        self.reviewer.choices = mine + others


class CommentForm(PortalForm):
    """A reviewer's comment on the concept or on one measure, or an answer to a comment."""

    measure = SelectField(
        _l("Comment on"), validate_choice=False, validators=[KnownChoice()], default=""
    )
    visibility = RadioField(
        _l("Who can read it?"),
        choices=[
            (
                "visible",
                _l("Visible to the partner: the organisation reads it and is told by e-mail"),
            ),
            ("internal", _l("Internal: only ministry staff can read it")),
        ],
        default="visible",
        validators=[DataRequired(_l("Please choose who can read the comment."))],
    )
    body = TextAreaField(
        _l("Comment"),
        validators=[
            DataRequired(_l("Please write a comment.")),
            Length(max=MAX_COMMENT_LENGTH, message=TOO_LONG),
        ],
    )

    def set_measures(self, measures) -> None:
        self.measure.choices = [("", _l("The whole concept"))] + [
            (m.lineage_id, _("Measure %(n)s: %(title)s", n=index, title=m.title))
            for index, m in enumerate(measures, start=1)
        ]

    def set_report_measures(self, content) -> None:
        """Choices for a comment on an annual report: the whole report, or the progress of one
        of the measures it reports on (`content` is a portal.reports.queries.ReportContent)."""
        self.measure.choices = [("", _l("The whole report"))] + [
            (m.lineage_id, content.measure_label(m)) for m in content.measures
        ]

    @property
    def internal(self) -> bool:
        return "visibility" in self._fields and self.visibility.data == "internal"


class DecisionForm(PortalForm):
    """Approve, request changes or reopen. The buttons send `action`; the comment is required
    for a request for changes and for reopening, and the partner reads it."""

    comment = TextAreaField(
        _l("Comment for the partner"), validators=[Length(max=MAX_COMMENT_LENGTH, message=TOO_LONG)]
    )

    def __init__(self, *args, action: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action

    def validate_comment(self, field):
        if (field.data or "").strip():
            return
        if self.action == "request_changes":
            raise ValidationError(_l("Please say what the partner should change."))
        if self.action == "reopen":
            raise ValidationError(_l("Please give the reason for reopening the concept."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.action not in ("approve", "request_changes", "reopen"):
            self.form_errors.append(_l("Please choose a decision."))
            return False
        return valid


class ReportDecisionForm(DecisionForm):
    """DecisionForm with the messages of an annual report."""

    def validate_comment(self, field):
        if (field.data or "").strip():
            return
        if self.action == "request_changes":
            raise ValidationError(_l("Please say what the partner should change."))
        if self.action == "reopen":
            raise ValidationError(_l("Please give the reason for reopening the report."))


def assign_prefix(kind: str, submission_id: int) -> str:
    """The field prefix of an assignment form; the same on the queue and the review page, and
    different for a concept and a report with the same id (both can be on the queue)."""
    return f"assign-{submission_id}" if kind == "concept" else f"assign-{kind}-{submission_id}"
