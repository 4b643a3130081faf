"""Routes of the public blueprint: information pages, the accessibility feedback form and the
language switch."""

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.account import services as account_services
from portal.extensions import limiter
from portal.forms import safe_next_url
from portal.public import bp, services
from portal.public.forms import AccessibilityFeedbackForm


def _feedback_limit() -> str:
    # The form sends e-mail to the ministry: keep a single address from flooding the outbox.
    return current_app.config.get("RATELIMIT_ACCESSIBILITY_FEEDBACK", "10 per hour")


@bp.route("/")
def index():
    return render_template("public/index.html")


@bp.route("/impressum")
def imprint():
    return render_template("public/imprint.html")


@bp.route("/datenschutz")
def privacy():
    return render_template("public/privacy.html")


@bp.route("/barrierefreiheit", methods=["GET", "POST"])
@limiter.limit(_feedback_limit, methods=["POST"])
def accessibility():
    form = AccessibilityFeedbackForm()
    if request.method == "GET":
        # Coming from a footer link: suggest the page the reader was on.
        form.page.data = _referring_page()
    if form.validate_on_submit():
        services.send_accessibility_feedback(
            name=form.name.data or "",
            email=form.email.data or "",
            page=form.page.data or "",
            message=form.message.data,
        )
        flash(
            _("Thank you. Your feedback has been sent to the ministry's accessibility contact."),
            "success",
        )
        return redirect(url_for("public.accessibility"))
    # 422 for a failed submission, like every form of the portal.
    status = 422 if form.errors else 200
    return render_template("public/accessibility.html", form=form), status


@bp.route("/leichte-sprache")
def easy_language():
    return render_template("public/easy_language.html")


@bp.route("/sprache", methods=["POST"])
def set_language():
    locale = request.form.get("locale", "")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        if current_user.is_authenticated:
            account_services.set_locale(current_user, locale)
    return redirect(_local_path(request.form.get("next")) or url_for("public.index"))


def _referring_page() -> str | None:
    """The path of the page on this site the reader came from, if any."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host or referrer.path in ("", request.path):
        return None
    return referrer.path[:500]


def _local_path(target: str | None) -> str | None:
    """`target` if it is a path on this site (no scheme, no host), else None."""
    target = safe_next_url(target)
    if target is None:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
