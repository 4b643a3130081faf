"""Routes of the partners blueprint."""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import policy, uploads
from portal.extensions import db
from portal.labels import label
from portal.models import Organisation
from portal.network import history as network_history
from portal.partners import bp, services
from portal.partners.forms import AgreementForm, PartnershipChangeForm
from portal.reports.services import open_report_summary

# The organisation page shows the newest entries of its history; the rest is a link away.
HISTORY_ON_PAGE = 20


def _organisation_allowed(organisation_id: int, check) -> Organisation:
    """The organisation (404 if missing) when the policy `check(user, organisation)` allows the
    current user (else 403)."""
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    if not check(current_user, organisation):
        abort(403)
    return organisation


@bp.route("/meine-organisation")
@login_required
def home():
    if policy.is_ministry(current_user):
        return redirect(url_for("review.dashboard"))
    return redirect(url_for("partners.show", organisation_id=current_user.organisation_id))


@bp.route("/organisationen/<int:organisation_id>")
@login_required
def show(organisation_id: int):
    organisation = _organisation_allowed(organisation_id, policy.can_view_organisation)
    history = None
    if policy.can_view_organisation_history(current_user, organisation):
        history = network_history.latest_history(organisation.id, limit=HISTORY_ON_PAGE)
    return render_template(
        "partners/show.html",
        organisation=organisation,
        history=history,
        open_report=open_report_summary(organisation),
        **services.organisation_overview(organisation),
    )


@bp.route("/organisationen/<int:organisation_id>/vereinbarung", methods=["GET", "POST"])
@login_required
def record_agreement(organisation_id: int):
    organisation = _organisation_allowed(organisation_id, policy.can_manage_partners)
    form = AgreementForm()
    problem = None
    try:
        services.check_agreement_allowed(organisation)
    except services.PartnershipRefused as refused:
        problem = refused.reason
    if problem is None and form.validate_on_submit():
        try:
            pdf = uploads.store_pdf(
                form.signed_pdf.data, organisation_id=organisation.id, uploaded_by=current_user
            )
        except uploads.UploadRefused as refused:
            form.signed_pdf.errors.append(refused.reason)
        else:
            try:
                services.record_agreement(
                    organisation,
                    signed_on=form.signed_on.data,
                    ministry_signatory=form.ministry_signatory.data,
                    organisation_signatory=form.organisation_signatory.data,
                    signed_pdf=pdf,
                    actor=current_user,
                )
            except services.PartnershipRefused as refused:
                # Someone else changed the organisation in the meantime.
                uploads.discard(pdf)
                problem = refused.reason
            except Exception:
                uploads.discard(pdf)
                raise
            else:
                return _agreement_recorded(organisation)
    status = 422 if form.errors else (409 if problem and request.method == "POST" else 200)
    return render_template(
        "partners/record_agreement.html", organisation=organisation, form=form, problem=problem
    ), status


def _agreement_recorded(organisation: Organisation):
    flash(
        _(
            "The agreement is recorded. %(name)s is now partner number %(n)s.",
            name=organisation.name,
            n=organisation.member_number,
        ),
        "success",
    )
    return redirect(url_for("partners.show", organisation_id=organisation.id))


@bp.route("/organisationen/<int:organisation_id>/vereinbarung.pdf")
@login_required
def agreement_pdf(organisation_id: int):
    organisation = _organisation_allowed(organisation_id, policy.can_view_organisation)
    agreement = organisation.agreement
    if agreement is None or agreement.signed_pdf is None:
        abort(404)
    path = uploads.path_of(agreement.signed_pdf)
    if not path.exists():
        abort(404)
    return send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=agreement.signed_pdf.filename,
        max_age=0,
    )


@bp.route("/organisationen/<int:organisation_id>/status", methods=["GET", "POST"])
@login_required
def change_partnership(organisation_id: int):
    organisation = _organisation_allowed(organisation_id, policy.can_manage_partners)
    possible = services.possible_partnership_changes(organisation)
    form = PartnershipChangeForm()
    form.action.choices = [choice for choice in form.action.choices if choice[0] in possible]
    problem = None
    if request.method == "POST":
        chosen = form.action.data
        if not possible or (chosen in services.PARTNERSHIP_CHANGES and chosen not in possible):
            # Someone changed the status since the page was opened, or the step never fitted.
            problem = _(
                "This step is not possible now: the status of %(name)s is “%(status)s”.",
                name=organisation.name,
                status=label(organisation.status),
            )
    elif len(possible) == 1:
        form.action.data = possible[0]
    if problem is None and possible and form.validate_on_submit():
        action = form.action.data
        try:
            services.change_partnership(
                organisation,
                action,
                effective_on=form.effective_on.data,
                reason=form.reason.data,
                actor=current_user,
            )
        except services.PartnershipRefused as refused:
            problem = refused.reason
        else:
            flash(_partnership_changed_message(organisation, action), "success")
            return redirect(url_for("partners.show", organisation_id=organisation.id))
    status = 409 if problem else (422 if form.errors else 200)
    return render_template(
        "partners/change_partnership.html",
        organisation=organisation,
        form=form,
        possible=possible,
        problem=problem,
    ), status


def _partnership_changed_message(organisation: Organisation, action: str) -> str:
    if action == "decline":
        return _(
            "The application of %(name)s is declined. Its contact persons are informed by e-mail.",
            name=organisation.name,
        )
    return _(
        "Saved. The partnership of %(name)s is now: %(status)s.",
        name=organisation.name,
        status=label(organisation.status),
    )
