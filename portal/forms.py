"""The base form every portal form derives from, and validators shared across features."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import ValidationError
from wtforms.fields.core import UnboundField


def _clean_text(value):
    """Strip surrounding whitespace and NUL characters (PostgreSQL rejects NUL in text)."""
    if isinstance(value, str):
        return value.replace("\x00", "").strip()
    return value


class PortalForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            # Passwords are kept exactly as typed (apart from NUL); other text is trimmed.
            # Enclosures of other fields take no filters; their inner fields get their own.
            if unbound_field.field_class.__name__ in ("FieldList", "FormField"):
                return unbound_field.bind(form=form, **options)
            # The field's own filters run after the cleaning (they are in the unbound field's
            # kwargs, and a `filters=` given to bind() would replace them).
            filters = list(options.pop("filters", ())) + list(
                unbound_field.kwargs.get("filters", ())
            )
            if unbound_field.field_class.__name__ == "PasswordField":
                filters.insert(0, lambda v: v.replace("\x00", "") if isinstance(v, str) else v)
            else:
                filters.insert(0, _clean_text)
            unbound_field = UnboundField(
                unbound_field.field_class,
                *unbound_field.args,
                **{**unbound_field.kwargs, "filters": filters},
            )
            return unbound_field.bind(form=form, **options)


class StrongPassword:
    """At least PASSWORD_MIN_LENGTH characters, at most 128, and not the e-mail address."""

    def __init__(self, email_field: str | None = None):
        self.email_field = email_field

    def __call__(self, form, field):
        password = field.data or ""
        minimum = current_app.config["PASSWORD_MIN_LENGTH"]
        if len(password) < minimum:
            raise ValidationError(
                _l("The password must be at least %(n)d characters long.", n=minimum)
            )
        if len(password) > 128:
            raise ValidationError(_l("The password must be at most 128 characters long."))
        if len(set(password)) < 4:
            raise ValidationError(_l("The password is too easy to guess."))
        email = getattr(form, self.email_field).data if self.email_field else None
        if email and password.lower() == str(email).lower():
            raise ValidationError(_l("The password must not be your e-mail address."))


def safe_next_url(target: str | None) -> str | None:
    """A relative path on this site, or None. Prevents open redirects."""
    if not target or not isinstance(target, str):
        return None
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ch in target for ch in "\r\n\x00"):
        return None
    return target
