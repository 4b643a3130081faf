"""Forms of the auth blueprint."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from portal.forms import PortalForm, StrongPassword


class LoginForm(PortalForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Please enter your e-mail address.")), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Please enter your password."))]
    )


class ForgotPasswordForm(PortalForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(_l("Please enter your e-mail address.")),
            Length(max=254),
            Email(
                _l("Please enter a valid e-mail address, like name@example.org."),
                check_deliverability=False,
            ),
        ],
    )


class SetPasswordForm(PortalForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Please choose a password.")), StrongPassword()],
    )
    password_confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(_l("Please repeat the password.")),
            EqualTo("password", _l("The two passwords do not match.")),
        ],
    )
