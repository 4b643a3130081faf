"""Routes of the members' area: directory, find peers, good-practice library."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import policy
from portal.exchange import bp, queries, services
from portal.exchange.forms import DirectorySearchForm, LibrarySearchForm
from portal.extensions import db
from portal.models import Measure, Report
from portal.pagination import page_number, paginate_rows


@bp.before_request
@login_required
def members_only():
    """Every page here is for active partners and the ministry."""
    if not policy.can_use_members_area(current_user):
        abort(403)


def _paginate(statement, rows: bool = False):
    """A page of organisations, or (rows=True) of rows with several columns."""
    page_size = current_app.config["PAGE_SIZE"]
    if rows:
        return paginate_rows(statement, page_number(), page_size)
    return db.paginate(
        statement,
        page=page_number(),
        per_page=page_size,
        max_per_page=page_size,
        error_out=False,
        count=True,
    )


def _link_args(filters) -> dict:
    return {name: value for name, value in vars(filters).items() if value}


@bp.route("")
def index():
    return render_template("exchange/index.html")


@bp.route("/verzeichnis")
def directory():
    form = DirectorySearchForm(formdata=request.args)
    form.validate()
    filters = form.filters()
    pagination = _paginate(queries.directory(filters))
    ids = [organisation.id for organisation in pagination.items]
    return render_template(
        "exchange/directory.html",
        form=form,
        pagination=pagination,
        fields=queries.fields_by_organisation(ids),
        contacts=queries.contacts_by_organisation(ids),
        link_args=_link_args(filters),
        filtered=bool(request.args.get("q") or any(_link_args(filters).values())),
    )


@bp.route("/verzeichnis/<int:organisation_id>")
def organisation(organisation_id: int):
    member = queries.member(organisation_id) or abort(404)
    own = policy.belongs_to(current_user, member.id)
    return render_template(
        "exchange/organisation.html",
        organisation=member,
        own=own,
        fields=queries.fields_by_organisation([member.id]).get(member.id, []),
        contacts=queries.contacts_by_organisation([member.id]).get(member.id, []),
        measures=queries.measures_in_force(member.id),
        shared=queries.shared_by(member.id),
        peers=queries.peers(member.id) if own else [],
    )


@bp.route("/praxisbeispiele")
def library():
    form = LibrarySearchForm(formdata=request.args)
    form.validate()
    filters = form.filters()
    pagination = _paginate(queries.library(filters), rows=True)
    return render_template(
        "exchange/library.html",
        form=form,
        pagination=pagination,
        fields={str(field.id): field for field in queries.fields_of_action()},
        link_args=_link_args(filters),
        filtered=bool(_link_args(filters)),
    )


@bp.route("/praxisbeispiele/massnahmen/<int:measure_id>")
def measure(measure_id: int):
    row = queries.shared_measure(measure_id) or abort(404)
    shared_measure, member = row
    return render_template(
        "exchange/measure.html",
        measure=shared_measure,
        organisation=member,
        progress=queries.latest_progress(shared_measure.lineage_id, member.id),
        contacts=queries.contacts_by_organisation([member.id]).get(member.id, []),
        can_stop=policy.can_stop_sharing(current_user, member.id),
    )


@bp.route("/praxisbeispiele/berichte/<int:report_id>")
def story(report_id: int):
    row = queries.shared_story(report_id) or abort(404)
    report, member, year = row
    return render_template(
        "exchange/story.html",
        report=report,
        organisation=member,
        year=year,
        contacts=queries.contacts_by_organisation([member.id]).get(member.id, []),
        can_stop=policy.can_stop_sharing(current_user, member.id),
    )


@bp.route("/praxisbeispiele/massnahmen/<int:measure_id>/nicht-mehr-teilen", methods=["POST"])
def unshare_measure(measure_id: int):
    shared_measure = db.session.get(Measure, measure_id) or abort(404)
    organisation_id = shared_measure.concept.organisation_id
    if not policy.can_stop_sharing(current_user, organisation_id):
        abort(403)
    try:
        services.stop_sharing_measure(shared_measure, actor=current_user)
    except services.SharingRefused as refused:
        flash(str(refused.reason), "info")
    else:
        flash(
            _("The measure is no longer shared. It has been removed from the library."), "success"
        )
    return redirect(url_for("exchange.organisation", organisation_id=organisation_id))


@bp.route("/praxisbeispiele/berichte/<int:report_id>/nicht-mehr-teilen", methods=["POST"])
def unshare_story(report_id: int):
    report = db.session.get(Report, report_id) or abort(404)
    if not policy.can_stop_sharing(current_user, report.organisation_id):
        abort(403)
    try:
        services.stop_sharing_story(report, actor=current_user)
    except services.SharingRefused as refused:
        flash(str(refused.reason), "info")
    else:
        flash(_("The story is no longer shared. It has been removed from the library."), "success")
    return redirect(url_for("exchange.organisation", organisation_id=report.organisation_id))
