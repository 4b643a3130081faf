"""Forms of the public pages."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from portal.forms import PortalForm

FEEDBACK_MESSAGE_MAX = 5000


class AccessibilityFeedbackForm(PortalForm):
    """Feedback on barriers, part of the accessibility statement: only the message is required."""

    # In the order of the page, so the error summary lists errors in reading order.
    message = TextAreaField(
        _l("Your message"),
        validators=[
            DataRequired(message=_l("Describe the barrier you came across.")),
            Length(
                max=FEEDBACK_MESSAGE_MAX,
                message=_l(
                    "Your message must be %(max)d characters or fewer.", max=FEEDBACK_MESSAGE_MAX
                ),
            ),
        ],
    )
    page = StringField(_l("Page or content concerned"), validators=[Optional(), Length(max=500)])
    name = StringField(_l("Your name"), validators=[Optional(), Length(max=200)])
    email = EmailField(
        _l("Your e-mail address"),
        validators=[
            Optional(),
            Length(max=254),
            Email(
                message=_l("Enter an e-mail address in the correct format, like name@example.org.")
            ),
        ],
    )
