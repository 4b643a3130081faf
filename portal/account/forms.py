"""Forms of the account blueprint."""

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, PasswordField, RadioField, StringField, TelField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from portal.forms import PortalForm, StrongPassword

LANGUAGE_CHOICES = [("de", "Deutsch"), ("en", "English")]


class ProfileForm(PortalForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Please enter your name.")), Length(max=200)]
    )
    function = StringField(_l("Function or position"), validators=[Optional(), Length(max=200)])
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=50)])
    locale = RadioField(
        _l("Language of the portal and of e-mails"),
        choices=LANGUAGE_CHOICES,
        validators=[DataRequired(_l("Please choose a language."))],
    )
    # Contact persons choose what the members' directory shows of them.
    directory_shows_email = BooleanField(_l("Show my e-mail address to the partners"))
    directory_shows_phone = BooleanField(_l("Show my phone number to the partners"))


class ChangePasswordForm(PortalForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Please enter your current password."))],
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Please choose a new password.")), StrongPassword()],
    )
    new_password_confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(_l("Please repeat the new password.")),
            EqualTo("new_password", _l("The two passwords do not match.")),
        ],
    )

    def validate_current_password(self, field):
        if not current_user.check_password(field.data):
            raise ValidationError(_l("The current password is not correct."))

    def validate_new_password(self, field):
        if field.data and field.data.lower() == current_user.email.lower():
            raise ValidationError(_l("The password must not be your e-mail address."))
