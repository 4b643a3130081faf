"""Routes of the network blueprint: the ministry's overview of all organisations, an
organisation's full history, and creating an organisation."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from portal import policy
from portal.extensions import db
from portal.models import Organisation, OrganisationStatus
from portal.network import bp, history, queries, services
from portal.network.forms import NetworkSearchForm, OrganisationForm
from portal.pagination import page_number


def _page_size() -> int:
    return current_app.config["PAGE_SIZE"]


def status_count_text(status: OrganisationStatus, n: int) -> str:
    """ "37 active partners", "4 applications", … for the counts at the top of the overview."""
    if status == OrganisationStatus.APPLICANT:
        return ngettext("%(num)d application", "%(num)d applications", n)
    if status == OrganisationStatus.ACTIVE:
        return ngettext("%(num)d active partner", "%(num)d active partners", n)
    if status == OrganisationStatus.PAUSED:
        return ngettext("%(num)d paused partnership", "%(num)d paused partnerships", n)
    if status == OrganisationStatus.LEFT:
        return ngettext("%(num)d ended partnership", "%(num)d ended partnerships", n)
    return ngettext("%(num)d declined application", "%(num)d declined applications", n)


@bp.route("")
@login_required
def index():
    if not policy.can_view_network(current_user):
        abort(403)
    form = NetworkSearchForm(formdata=request.args)
    form.validate()
    filters = form.filters()
    pagination = queries.paginate_rows(
        queries.network_organisations(filters), page=page_number(), per_page=_page_size()
    )
    # Query parameters of links: only what was valid and chosen.
    link_args = {
        name: value
        for name, value in vars(filters).items()
        if value and not (name == "sort" and value == "name")
    }
    counts = queries.counts_by_status(filters)
    return render_template(
        "network/index.html",
        form=form,
        filters=filters,
        pagination=pagination,
        link_args=link_args,
        without_status={k: v for k, v in link_args.items() if k != "status"},
        status_counts=[
            (status, count, status_count_text(status, count)) for status, count in counts.items()
        ],
        total=sum(counts.values()),
        filtered=any(value for name, value in link_args.items() if name != "sort"),
    )


@bp.route("/<int:organisation_id>/verlauf", endpoint="history")
@login_required
def history_page(organisation_id: int):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    if not policy.can_view_organisation_history(current_user, organisation):
        abort(403)
    pagination = queries.paginate_rows(
        history.history_statement(organisation.id), page=page_number(), per_page=_page_size()
    )
    return render_template(
        "network/history.html",
        organisation=organisation,
        pagination=pagination,
        entries=[history.history_item(row) for row in pagination.items],
    )


@bp.route("/neu", methods=["GET", "POST"])
@login_required
def create_organisation():
    if not policy.can_create_organisation(current_user):
        abort(403)
    form = OrganisationForm()
    problem = None
    if form.validate_on_submit():
        try:
            organisation = services.create_organisation(
                name=form.name.data,
                sector=form.sector.data,
                kreis=form.kreis.data,
                website=form.website.data,
                street=form.street.data,
                postcode=form.postcode.data,
                city=form.city.data,
                contact_name=form.contact_name.data,
                contact_email=form.contact_email.data,
                actor=current_user,
            )
        except services.OrganisationRefused as refused:
            problem = refused.reason
        else:
            flash(
                _(
                    "%(name)s is created as an applicant. %(person)s has been invited by e-mail "
                    "to set a password and write the concept.",
                    name=organisation.name,
                    person=form.contact_name.data,
                ),
                "success",
            )
            return redirect(url_for("partners.show", organisation_id=organisation.id))
    status = 409 if problem else (422 if form.errors else 200)
    return render_template("network/create_organisation.html", form=form, problem=problem), status
