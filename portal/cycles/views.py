"""Routes of the cycles blueprint: the list of reporting cycles, opening one, a cycle's overview,
and extending, reminding, closing and reopening."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import policy
from portal.cycles import bp, queries, services
from portal.cycles.forms import (
    ConfirmForm,
    ExtendForm,
    OpenCycleForm,
    OverviewFilterForm,
    ReopenForm,
    proposed_due_date,
)
from portal.extensions import db
from portal.models import Organisation, ReportingCycle
from portal.pagination import page_number
from portal.reports import cycles
from portal.reports.cycles import CycleRefused

PER_PAGE = 50


def _allowed() -> None:
    if not policy.can_manage_cycles(current_user):
        abort(403)


def _cycle_allowed(year: int) -> ReportingCycle:
    """The cycle of `year` (404 if there is none) when the user may manage cycles (else 403).
    The policy does not depend on the cycle, so it is asked first."""
    _allowed()
    return queries.cycle_by_year(year) or abort(404)


def _organisation(field) -> Organisation | None:
    organisation_id = field.organisation_id
    return db.session.get(Organisation, organisation_id) if organisation_id else None


@bp.route("")
@login_required
def index():
    _allowed()
    pagination = queries.paginate_rows(
        queries.cycles_with_counts(), page=page_number(), per_page=PER_PAGE
    )
    return render_template(
        "cycles/index.html", pagination=pagination, next_year=date.today().year - 1
    )


@bp.route("/neu", methods=["GET", "POST"], endpoint="open")
@login_required
def open_cycle():
    _allowed()
    form = OpenCycleForm()
    if request.method == "GET":
        form.set_defaults(date.today())
    problem = None
    recounted = False
    if form.validate_on_submit():
        if form.count_seen():
            try:
                cycle = cycles.open_cycle(
                    form.year.data,
                    opens_on=form.opens_on.data,
                    due_on=form.due_on.data,
                    grace_months=form.grace_months.data,
                    actor=current_user,
                )
            except CycleRefused as refused:
                problem = refused.reason
            else:
                return _cycle_opened(cycle)
        else:
            _follow_the_year(form)
            recounted = True
    count, taken = None, False
    if form.year.data is not None and not form.year.errors:
        taken = queries.year_taken(form.year.data)
        if not taken:
            count = queries.count_partners_owing_a_report(form.year.data)
            # The page now shows the count for this year: the next "Open" opens it.
            form.counted_year.data = str(form.year.data)
    status = 409 if problem else (422 if form.errors else 200)
    return render_template(
        "cycles/open.html",
        form=form,
        count=count,
        taken=taken,
        problem=problem,
        recounted=recounted,
    ), status


def _follow_the_year(form: OpenCycleForm) -> None:
    """The year changed since the count was shown: a due date left at the old year's default
    moves with the year (a date the user chose stays)."""
    previous = form.counted_year.data
    if not (previous and previous.isdigit()):
        return
    opens_on = form.opens_on.data
    if form.due_on.data == proposed_due_date(int(previous), opens_on):
        form.due_on.data = proposed_due_date(form.year.data, opens_on)
        form.due_on.raw_data = None


def _cycle_opened(cycle: ReportingCycle):
    reports = queries.cycle_counts(cycle, date.today()).total
    flash(
        ngettext(
            "The reporting cycle %(year)s is open. %(num)d report was created; the partner "
            "admins have been informed by e-mail.",
            "The reporting cycle %(year)s is open. %(num)d reports were created; the partner "
            "admins have been informed by e-mail.",
            reports,
            year=cycle.year,
        ),
        "success",
    )
    return redirect(url_for("cycles.show", year=cycle.year))


@bp.route("/<int:year>")
@login_required
def show(year: int):
    cycle = _cycle_allowed(year)
    today = date.today()
    filter_form = OverviewFilterForm(formdata=request.args)
    filter_form.validate()
    filters = filter_form.filters()
    pagination = queries.paginate_rows(
        queries.overview_statement(cycle, filters, today), page=page_number(), per_page=PER_PAGE
    )
    organisations = queries.organisations_in_cycle(cycle)
    extend_form = ExtendForm(cycle, formdata=None)
    extend_form.organisation.set_organisations(organisations)
    reopen_form = ReopenForm(formdata=None)
    reopen_form.organisation.set_organisations(organisations)
    link_args = {
        name: value
        for name, value in vars(filters).items()
        if value and not (name == "sort" and value == "name")
    }
    return render_template(
        "cycles/show.html",
        cycle=cycle,
        today=today,
        counts=queries.cycle_counts(cycle, today),
        filter_form=filter_form,
        filters=filters,
        filtered=bool(filters.q or filters.standing),
        link_args=link_args,
        pagination=pagination,
        rows=[queries.overview_row(row, cycle, today) for row in pagination.items],
        extend_form=extend_form,
        reopen_form=reopen_form,
        non_reporting_from=cycles.non_reporting_cutoff(cycle.due_on, cycle.grace_months),
    )


@bp.route("/<int:year>/verlaengern", methods=["POST"])
@login_required
def extend(year: int):
    cycle = _cycle_allowed(year)
    form = ExtendForm(cycle)
    form.organisation.set_organisations(queries.organisations_in_cycle(cycle))
    problem = None
    if cycle.is_closed:
        problem = _(
            "The reporting cycle %(year)s is closed, so its due date cannot be extended. "
            "Reopen it for one organisation instead.",
            year=cycle.year,
        )
    elif form.validate_on_submit():
        organisation = _organisation(form.organisation)
        try:
            services.extend(
                cycle,
                due_on=form.due_on.data,
                reason=form.reason.data,
                actor=current_user,
                organisation=organisation,
            )
        except CycleRefused as refused:
            problem = refused.reason
        else:
            return _extended(cycle, organisation, form.due_on.data)
    status = 409 if problem else 422
    return render_template("cycles/extend.html", cycle=cycle, form=form, problem=problem), status


def _extended(cycle: ReportingCycle, organisation: Organisation | None, due_on: date):
    if organisation is None:
        message = _(
            "The due date of the reporting cycle %(year)s is now %(date)s for every organisation "
            "without an extension of its own.",
            year=cycle.year,
            date=_long_date(due_on),
        )
    else:
        message = _(
            "The due date of %(name)s is now %(date)s.",
            name=organisation.name,
            date=_long_date(due_on),
        )
    flash(message, "success")
    return redirect(url_for("cycles.show", year=cycle.year))


def _long_date(day: date) -> str:
    return format_date(day, "long")


@bp.route("/<int:year>/erinnern", methods=["POST"])
@login_required
def remind(year: int):
    cycle = _cycle_allowed(year)
    form = ConfirmForm()
    problem = None
    if form.validate_on_submit() and form.is_confirmed:
        try:
            sent = services.send_reminders(cycle, actor=current_user, today=date.today())
        except CycleRefused as refused:
            problem = refused.reason
        else:
            flash(
                ngettext(
                    "%(num)d reminder was sent to the partner admins of %(organisations)s "
                    "organisations.",
                    "%(num)d reminders were sent to the partner admins of %(organisations)s "
                    "organisations.",
                    sent.recipients,
                    organisations=sent.organisations,
                ),
                "success",
            )
            return redirect(url_for("cycles.show", year=cycle.year))
    form.confirmed.data = "yes"  # the button on this page is the confirmation
    return render_template(
        "cycles/remind.html",
        cycle=cycle,
        form=form,
        plan=queries.reminder_plan(cycle),
        problem=problem,
    ), (409 if problem else 200)


@bp.route("/<int:year>/schliessen", methods=["POST"])
@login_required
def close(year: int):
    cycle = _cycle_allowed(year)
    form = ConfirmForm()
    problem = None
    if cycle.is_closed:
        problem = _("The reporting cycle %(year)s is already closed.", year=cycle.year)
    elif form.validate_on_submit() and form.is_confirmed:
        try:
            cycles.close_cycle(cycle, actor=current_user)
        except CycleRefused as refused:
            problem = refused.reason
        else:
            flash(
                _(
                    "The reporting cycle %(year)s is closed. Reports can no longer be submitted, "
                    "unless you reopen the cycle for one organisation.",
                    year=cycle.year,
                ),
                "success",
            )
            return redirect(url_for("cycles.show", year=cycle.year))
    form.confirmed.data = "yes"  # the button on this page is the confirmation
    return render_template(
        "cycles/close.html",
        cycle=cycle,
        form=form,
        counts=queries.cycle_counts(cycle, date.today()),
        problem=problem,
    ), (409 if problem else 200)


@bp.route("/<int:year>/wiedereroeffnen", methods=["POST"])
@login_required
def reopen(year: int):
    cycle = _cycle_allowed(year)
    form = ReopenForm()
    form.organisation.set_organisations(queries.organisations_in_cycle(cycle))
    problem = None
    if not cycle.is_closed:
        problem = _(
            "The reporting cycle %(year)s is still open. Extend the due date for the "
            "organisation instead.",
            year=cycle.year,
        )
    elif form.validate_on_submit():
        organisation = _organisation(form.organisation)
        try:
            cycles.reopen_for(
                cycle,
                organisation,
                due_on=form.due_on.data,
                reason=form.reason.data,
                actor=current_user,
            )
        except CycleRefused as refused:
            problem = refused.reason
        else:
            flash(
                _(
                    "The reporting cycle %(year)s is reopened for %(name)s until %(date)s. "
                    "Only this organisation can submit its report.",
                    year=cycle.year,
                    name=organisation.name,
                    date=_long_date(form.due_on.data),
                ),
                "success",
            )
            return redirect(url_for("cycles.show", year=cycle.year))
    status = 409 if problem else 422
    return render_template("cycles/reopen.html", cycle=cycle, form=form, problem=problem), status
