"""Routes of the account blueprint."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from portal.account import bp, services
from portal.account.forms import ChangePasswordForm, ProfileForm


def _render(profile_form, password_form, status=200):
    return (
        render_template(
            "account/edit.html", profile_form=profile_form, password_form=password_form
        ),
        status,
    )


@bp.route("", methods=["GET", "POST"])
@login_required
def edit():
    profile_form = ProfileForm(
        obj=current_user if request.method == "GET" else None, prefix="profile"
    )
    password_form = ChangePasswordForm(prefix="password", formdata=None)
    if profile_form.validate_on_submit():
        services.update_profile(
            current_user,
            name=profile_form.name.data,
            function=profile_form.function.data,
            phone=profile_form.phone.data,
            locale=profile_form.locale.data,
            directory_shows_email=profile_form.directory_shows_email.data,
            directory_shows_phone=profile_form.directory_shows_phone.data,
        )
        session["locale"] = current_user.locale
        flash(_("Your details have been saved."), "success")
        return redirect(url_for("account.edit"))
    return _render(profile_form, password_form, 200 if not profile_form.errors else 422)


@bp.route("/passwort", methods=["POST"])
@login_required
def change_password():
    password_form = ChangePasswordForm(prefix="password")
    if password_form.validate_on_submit():
        services.change_password(current_user, password_form.new_password.data)
        # The new password ended every session of the account; this one goes on.
        login_user(current_user._get_current_object())
        flash(_("Your password has been changed."), "success")
        return redirect(url_for("account.edit"))
    profile_form = ProfileForm(obj=current_user, prefix="profile", formdata=None)
    return _render(profile_form, password_form, 422)
