"""Routes of the auth blueprint: thin views over portal.auth.services."""

from datetime import UTC

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_time
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from portal import policy
from portal.auth import bp, services
from portal.auth.forms import ForgotPasswordForm, LoginForm, SetPasswordForm
from portal.extensions import limiter
from portal.forms import safe_next_url
from portal.models import TokenPurpose


def _home_url(user) -> str:
    endpoint, values = policy.home_endpoint(user)
    return url_for(endpoint, **values)


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


LOGIN_PROBLEMS = {
    "invalid": lambda r: _("The e-mail address or the password is not correct."),
    "inactive": lambda r: _("This account has been deactivated. Please contact the ministry."),
    "unconfirmed": lambda r: _(
        "Please confirm your e-mail address first: open the link in the e-mail we sent you. "
        "If the link has expired, request a new one below the form."
    ),
    "locked": lambda r: _(
        "Too many failed attempts. For your protection this account is locked until %(time)s. "
        "You can reset your password to unlock it now.",
        time=format_time(r.locked_until.replace(tzinfo=UTC), "short"),
    ),
}


@bp.route("/anmelden", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_home_url(current_user))
    form = LoginForm()
    if request.method == "GET" and request.args.get("email"):
        form.email.data = request.args["email"][:254]
    if form.validate_on_submit():
        result = services.authenticate(form.email.data, form.password.data)
        if result.user is not None:
            locale = session.get("locale")
            session.clear()  # a fresh session on login: no fixation
            if locale:
                session["locale"] = locale
            login_user(result.user)
            session.permanent = True
            flash(_("Welcome, %(name)s.", name=result.user.name), "success")
            return redirect(safe_next_url(request.args.get("next")) or _home_url(result.user))
        form.form_errors.append(LOGIN_PROBLEMS[result.problem](result))
        form.password.data = ""
    return render_template("auth/login.html", form=form), 200 if not form.errors else 422


@bp.route("/abmelden", methods=["POST"])
def logout():
    locale = session.get("locale")
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale
    flash(_("You have been logged out."), "success")
    return redirect(url_for("public.index"))


@bp.route("/passwort-vergessen", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        # The same answer whether or not the address has an account.
        flash(
            _(
                "If an account exists for %(email)s, we have sent a link to reset the password. "
                "The link is valid for 2 hours.",
                email=form.email.data,
            ),
            "success",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form), 200 if not form.errors else 422


def _token_page(raw: str, purpose: TokenPurpose, template: str, success_message: str):
    token, problem = services.check_token(raw, purpose)
    if problem:
        status = 410 if problem != "invalid" else 404
        return render_template("auth/token_problem.html", problem=problem, purpose=purpose), status
    form = SetPasswordForm()
    if form.validate_on_submit():
        user = services.set_password_with_token(token, form.password.data)
        flash(success_message, "success")
        if current_user.is_authenticated:
            logout_user()
        session.clear()
        return redirect(url_for("auth.login", email=user.email))
    return render_template(template, form=form, user=token.user), 200 if not form.errors else 422


@bp.route("/passwort-neu/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _token_page(
        token,
        TokenPurpose.RESET_PASSWORD,
        "auth/reset_password.html",
        _("Your password has been changed. Please log in with the new password."),
    )


@bp.route("/einladung/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    return _token_page(
        token,
        TokenPurpose.INVITATION,
        "auth/accept_invitation.html",
        _("Your account is ready. Please log in with your new password."),
    )


@bp.route("/bestaetigen/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    found, problem = services.check_token(token, TokenPurpose.CONFIRM_EMAIL)
    if problem:
        status = 410 if problem != "invalid" else 404
        return render_template(
            "auth/token_problem.html", problem=problem, purpose=TokenPurpose.CONFIRM_EMAIL
        ), status
    if request.method == "POST":
        services.confirm_email(found)
        flash(_("Thank you, your e-mail address is confirmed. You can log in now."), "success")
        return redirect(url_for("auth.login"))
    # Confirming takes a button press: mail scanners that follow links must not confirm.
    return render_template("auth/confirm_email.html", user=found.user)


@bp.route("/sitzung", methods=["GET"])
@login_required
def session_status():
    """Session keep-alive for the timeout warning (JSON)."""
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    return {"authenticated": True, "lifetime_seconds": int(lifetime)}
