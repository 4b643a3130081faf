"""Forms of the forum. Fields of action are given by the view (`with_fields_of_action`), so the
forms never query the database themselves."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length, Optional

from portal.forms import PortalForm
from portal.forum.services import BODY_MAX, REASON_MAX, TITLE_MAX
from portal.i18n import localized


class KnownChoice:
    """The value is one of the field's choices (or empty: none); our own message."""

    def __call__(self, form, field):
        if not field.data:
            return
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose one of the options in the list."))


def _field_of_action_choices(fields, empty_label) -> list[tuple[str, str]]:
    return [("", empty_label)] + [(str(field.id), localized(field)) for field in fields]


def _body(label):
    return TextAreaField(
        label,
        validators=[
            DataRequired(_l("Please write a text.")),
            Length(
                max=BODY_MAX,
                message=_l("Please shorten the text to %(max)d characters.", max=BODY_MAX),
            ),
        ],
    )


class TopicForm(PortalForm):
    """Start a topic."""

    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(_l("Please enter a title.")),
            Length(
                max=TITLE_MAX,
                message=_l("Please shorten the title to %(max)d characters.", max=TITLE_MAX),
            ),
        ],
    )
    field_of_action = SelectField(
        _l("Field of action"),
        validate_choice=False,
        validators=[Optional(), KnownChoice()],
    )
    body = _body(_l("Your text"))
    follow = BooleanField(_l("Follow this topic: e-mail me when someone replies"), default=True)

    def with_fields_of_action(self, fields) -> "TopicForm":
        self.field_of_action.choices = _field_of_action_choices(
            fields, _l("No particular field of action")
        )
        return self

    def field_of_action_id(self) -> int | None:
        return int(self.field_of_action.data) if self.field_of_action.data else None


class ReplyForm(PortalForm):
    body = _body(_l("Your reply"))


class EditPostForm(PortalForm):
    body = _body(_l("Text of the post"))


def _reason(label):
    return TextAreaField(
        label,
        validators=[
            DataRequired(_l("Please give a reason.")),
            Length(
                max=REASON_MAX,
                message=_l("Please shorten the reason to %(max)d characters.", max=REASON_MAX),
            ),
        ],
    )


class HidePostForm(PortalForm):
    reason = _reason(_l("Reason for hiding"))


class ReportPostForm(PortalForm):
    reason = _reason(_l("What is wrong with this post?"))


class TopicFilterForm(PortalForm):
    """The list's filter. Sent by GET: no CSRF token, and bookmarkable addresses."""

    class Meta:
        csrf = False

    field_of_action = SelectField(
        _l("Field of action"), validate_choice=False, validators=[KnownChoice()]
    )

    def with_fields_of_action(self, fields) -> "TopicFilterForm":
        self.field_of_action.choices = _field_of_action_choices(fields, _l("All fields of action"))
        return self

    def field_of_action_id(self) -> int | None:
        """The valid choice after validate(), else None (no filter)."""
        if self.field_of_action.errors or not self.field_of_action.data:
            return None
        return int(self.field_of_action.data)
