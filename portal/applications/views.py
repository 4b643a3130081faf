"""Routes of the applications blueprint: the public application form, the page after sending it
and a new confirmation link."""

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import policy
from portal.applications import bp, services
from portal.applications.forms import ApplicationForm, ResendConfirmationForm
from portal.extensions import limiter
from portal.i18n import current_language

# The address the application was sent from, shown once on the "sent" page.
SENT_TO_KEY = "application_sent_to"


def _application_limit() -> str:
    # Every application creates an organisation and sends e-mails: keep one address from
    # flooding the network list and the reviewers' inboxes.
    return current_app.config.get("RATELIMIT_APPLY_FORM", "10 per hour")


def _home_url(user) -> str:
    endpoint, values = policy.home_endpoint(user)
    return url_for(endpoint, **values)


@bp.route("/bewerben", methods=["GET", "POST"])
@limiter.limit(_application_limit, methods=["POST"])
def apply():
    if not policy.can_apply(current_user):
        flash(
            _(
                "You already have an account in the partner portal, so there is nothing to "
                "apply for. Your start page shows what to do next."
            ),
            "info",
        )
        return redirect(_home_url(current_user))
    form = ApplicationForm()
    if form.validate_on_submit():
        try:
            user = services.apply(**form.application(), locale=current_language())
        except services.ApplicationRefused as refused:
            form.refuse(refused.field, refused.reason)
        else:
            session[SENT_TO_KEY] = user.email
            return redirect(url_for("applications.sent"))
    return render_template("applications/apply.html", form=form), 422 if form.errors else 200


@bp.route("/bewerben/gesendet")
def sent():
    # Shown once: a reload, or a visitor who never applied, gets the general explanation.
    email = session.pop(SENT_TO_KEY, None)
    return render_template("applications/sent.html", email=email)


@bp.route("/bewerben/bestaetigung-erneut", methods=["GET", "POST"])
@limiter.limit(_application_limit, methods=["POST"])
def resend_confirmation():
    form = ResendConfirmationForm()
    if form.validate_on_submit():
        services.resend_confirmation(form.email.data)
        # The same answer whether or not the address has an unconfirmed account.
        flash(
            _(
                "If %(email)s belongs to an account whose address is not confirmed yet, we have "
                "sent a new confirmation link to it. Open the link, then log in.",
                email=form.email.data,
            ),
            "success",
        )
        return redirect(url_for("auth.login"))
    return render_template("applications/resend_confirmation.html", form=form), (
        422 if form.errors else 200
    )
