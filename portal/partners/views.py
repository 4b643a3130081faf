"""Routes of the partners blueprint."""

from flask import abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal import policy
from portal.extensions import db
from portal.models import Organisation
from portal.partners import bp, services


@bp.route("/meine-organisation")
@login_required
def home():
    if policy.is_ministry(current_user):
        return redirect(url_for("review.dashboard"))
    return redirect(url_for("partners.show", organisation_id=current_user.organisation_id))


@bp.route("/organisationen/<int:organisation_id>")
@login_required
def show(organisation_id: int):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    if not policy.can_view_organisation(current_user, organisation):
        abort(403)
    return render_template(
        "partners/show.html",
        organisation=organisation,
        **services.organisation_overview(organisation),
    )
