"""Routes of the manage blueprint: a partner admin (or the ministry) edits the organisation's
profile and manages the people with access. Thin views over portal.manage.services."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from portal import policy
from portal.extensions import db
from portal.labels import label
from portal.manage import bp, services
from portal.manage.forms import (
    ConfirmForm,
    ContactPersonForm,
    InviteForm,
    MinistryProfileForm,
    ProfileForm,
    RoleForm,
)
from portal.models import Organisation, OrganisationStatus, User
from portal.pagination import page_number


def _organisation(organisation_id: int) -> Organisation:
    """The organisation (404) when the current user may manage it (else 403)."""
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    if not policy.can_manage_organisation(current_user, organisation):
        abort(403)
    return organisation


def _person(organisation: Organisation, user_id: int) -> User:
    """A person of this organisation; anybody else's id is unknown here (404)."""
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != organisation.id:
        abort(404)
    return user


# --- the profile --------------------------------------------------------------------------------


def _profile_data(organisation: Organisation, with_ministry_fields: bool) -> dict:
    data = {
        "sector": organisation.sector.value,
        "kreis": organisation.kreis,
        "website": organisation.website,
        "description": organisation.description,
        "show_in_public_list": organisation.show_in_public_list,
        "street": organisation.street,
        "postcode": organisation.postcode,
        "city": organisation.city,
        "employee_band": organisation.employee_band.value if organisation.employee_band else "",
    }
    if with_ministry_fields:
        data["name"] = organisation.name
        data["internal_notes"] = organisation.internal_notes
    return data


def _in_public_list(organisation: Organisation) -> bool:
    return organisation.status == OrganisationStatus.ACTIVE and organisation.show_in_public_list


@bp.route("/organisationen/<int:organisation_id>/profil", methods=["GET", "POST"])
@login_required
def edit_profile(organisation_id: int):
    organisation = _organisation(organisation_id)
    ministry = policy.can_rename_organisation(current_user, organisation)
    form_class = MinistryProfileForm if ministry else ProfileForm
    if request.method == "POST":
        form = form_class(organisation_id=organisation.id)
    else:
        form = form_class(
            data=_profile_data(organisation, ministry), organisation_id=organisation.id
        )
    if form.validate_on_submit():
        was_listed = _in_public_list(organisation)
        try:
            changed = services.update_profile(
                organisation, actor=current_user, **form.profile_values()
            )
        except services.ManageRefused as refused:
            _field_error(form, refused)
        else:
            _flash_profile_saved(organisation, changed, was_listed)
            return redirect(url_for("manage.edit_profile", organisation_id=organisation.id))
    return render_template(
        "manage/profile.html",
        organisation=organisation,
        form=form,
        ministry=ministry,
        in_public_list=_in_public_list(organisation),
    ), 422 if form.errors else 200


def _field_error(form, refused: services.ManageRefused) -> None:
    field = getattr(form, refused.field, None) if refused.field else None
    if field is not None:
        field.errors = [*field.errors, refused.reason]
    else:
        form.form_errors.append(refused.reason)


def _flash_profile_saved(organisation: Organisation, changed: list[str], was_listed: bool) -> None:
    if not changed:
        flash(_("Nothing changed: the profile already had these details."), "info")
        return
    flash(_("The profile of %(name)s has been saved.", name=organisation.name), "success")
    listed = _in_public_list(organisation)
    if was_listed and not listed:
        flash(
            _(
                "%(name)s is no longer shown in the public partner list, the open data and on a "
                "public profile page. You can show it again at any time.",
                name=organisation.name,
            ),
            "info",
        )
    elif listed and not was_listed:
        flash(_("%(name)s is shown in the public partner list.", name=organisation.name), "info")


# --- the people with access ---------------------------------------------------------------------


def _users_page(
    organisation: Organisation,
    invite_form: InviteForm | None = None,
    problem=None,
    status: int = 200,
):
    page_size = current_app.config["PAGE_SIZE"]
    pagination = db.paginate(
        select(User)
        .where(User.organisation_id == organisation.id)
        .order_by(User.is_active_account.desc(), func.lower(User.name), User.id),
        page=page_number(),
        per_page=page_size,
        max_per_page=page_size,
        error_out=False,
        count=True,
    )
    return render_template(
        "manage/users.html",
        organisation=organisation,
        pagination=pagination,
        invite_form=invite_form or InviteForm(formdata=None),
        problem=problem,
        admin_count=services.active_admin_count(organisation.id),
        access_state=services.access_state,
    ), status


def _back_to_users(organisation: Organisation):
    return redirect(url_for("manage.users", organisation_id=organisation.id))


@bp.route("/organisationen/<int:organisation_id>/zugaenge")
@login_required
def users(organisation_id: int):
    return _users_page(_organisation(organisation_id))


@bp.route("/organisationen/<int:organisation_id>/zugaenge/einladen", methods=["POST"])
@login_required
def invite(organisation_id: int):
    organisation = _organisation(organisation_id)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            person, renewed = services.invite_person(
                organisation,
                name=form.name.data,
                email=form.email.data,
                role=form.role.data,
                actor=current_user,
            )
        except services.ManageRefused as refused:
            _field_error(form, refused)
        else:
            if renewed:
                flash(
                    _(
                        "%(name)s had already been invited but has not accepted yet. We have "
                        "sent a fresh invitation link to %(email)s; the earlier link no longer "
                        "works.",
                        name=person.name,
                        email=person.email,
                    ),
                    "success",
                )
            else:
                flash(
                    _(
                        "%(name)s has been invited as %(role)s. We have sent an invitation link "
                        "to %(email)s; it is valid for 14 days.",
                        name=person.name,
                        role=label(person.role),
                        email=person.email,
                    ),
                    "success",
                )
            return _back_to_users(organisation)
    return _users_page(organisation, invite_form=form, status=422)


@bp.route("/organisationen/<int:organisation_id>/zugaenge/<int:user_id>/rolle", methods=["POST"])
@login_required
def change_role(organisation_id: int, user_id: int):
    organisation = _organisation(organisation_id)
    person = _person(organisation, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return _users_page(organisation, problem=_first_error(form), status=422)
    try:
        services.change_role(person, form.role.data, actor=current_user)
    except services.ManageRefused as refused:
        return _users_page(organisation, problem=refused.reason, status=409)
    if not policy.can_manage_organisation(current_user, organisation):
        # A partner admin who made themselves an editor may no longer manage the organisation.
        flash(
            _(
                "Your role is now: %(role)s. The partner admins of your organisation manage its "
                "profile and the people with access from now on.",
                role=label(person.role),
            ),
            "success",
        )
        return redirect(url_for("partners.show", organisation_id=organisation.id))
    flash(
        _("%(name)s's role is now: %(role)s.", name=person.name, role=label(person.role)),
        "success",
    )
    return _back_to_users(organisation)


@bp.route(
    "/organisationen/<int:organisation_id>/zugaenge/<int:user_id>/deaktivieren",
    methods=["GET", "POST"],
)
@login_required
def deactivate(organisation_id: int, user_id: int):
    organisation = _organisation(organisation_id)
    person = _person(organisation, user_id)
    form = ConfirmForm()
    problem = None
    if form.validate_on_submit():
        try:
            services.deactivate(person, actor=current_user)
        except services.ManageRefused as refused:
            problem = refused.reason
        else:
            flash(
                _(
                    "The access of %(name)s has been deactivated. We have informed %(name)s "
                    "by e-mail.",
                    name=person.name,
                ),
                "success",
            )
            return _back_to_users(organisation)
    elif request.method == "POST":
        problem = _first_error(form)
    status = 409 if problem else 200
    return render_template(
        "manage/deactivate.html",
        organisation=organisation,
        person=person,
        form=form,
        problem=problem,
        is_last_admin=(
            person.role.value == "partner_admin"
            and person.is_active_account
            and services.active_admin_count(organisation.id) <= 1
        ),
    ), status


@bp.route(
    "/organisationen/<int:organisation_id>/zugaenge/<int:user_id>/aktivieren", methods=["POST"]
)
@login_required
def reactivate(organisation_id: int, user_id: int):
    organisation = _organisation(organisation_id)
    person = _person(organisation, user_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _users_page(organisation, problem=_first_error(form), status=422)
    try:
        services.reactivate(person, actor=current_user)
    except services.ManageRefused as refused:
        return _users_page(organisation, problem=refused.reason, status=409)
    flash(
        _(
            "%(name)s has access again. We have informed %(name)s by e-mail.",
            name=person.name,
        ),
        "success",
    )
    return _back_to_users(organisation)


@bp.route(
    "/organisationen/<int:organisation_id>/zugaenge/<int:user_id>/ansprechperson",
    methods=["POST"],
)
@login_required
def set_contact_person(organisation_id: int, user_id: int):
    organisation = _organisation(organisation_id)
    person = _person(organisation, user_id)
    form = ContactPersonForm()
    if not form.validate_on_submit():
        return _users_page(organisation, problem=_first_error(form), status=422)
    wanted = form.is_contact_person.data == "yes"
    try:
        services.set_contact_person(person, wanted, actor=current_user)
    except services.ManageRefused as refused:
        return _users_page(organisation, problem=refused.reason, status=409)
    if wanted:
        message = _("%(name)s is now marked as contact person.", name=person.name)
    else:
        message = _("%(name)s is no longer marked as contact person.", name=person.name)
    flash(message, "success")
    return _back_to_users(organisation)


def _first_error(form) -> str:
    """The message of a row button's form that was sent without a valid value."""
    for field in form:
        if field.errors:
            return f"{field.label.text}: {field.errors[0]}"
    return _("The request could not be processed. Please try again.")
