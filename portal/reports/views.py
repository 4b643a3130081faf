"""Routes of the reports blueprint: the partner's annual report.

The organisation's reports (index), the task list of one report (show) with its comments, the
three parts to fill in (figures, progress, assessment) with autosave, "check your answers",
submit, withdraw and the print view."""

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import comments, policy
from portal.extensions import db
from portal.models import Organisation, Report, utcnow
from portal.reports import bp, queries, services
from portal.reports.completeness import missing_answers, section_states
from portal.reports.forms import (
    ActionForm,
    AssessmentForm,
    CommentForm,
    SubmitForm,
    figures_form,
    progress_form,
)

# The parts of a report in the order of the task list: (section, endpoint).
PARTS = (
    ("figures", "reports.figures"),
    ("progress", "reports.progress"),
    ("assessment", "reports.assessment"),
)


def _report_allowed(report_id: int, check) -> Report:
    """The report (404 if missing) when the policy `check(user, report)` allows (else 403)."""
    report = db.session.get(Report, report_id) or abort(404)
    if not check(current_user, report):
        abort(403)
    return report


# --- the organisation's reports -----------------------------------------------------------------


@bp.route("/organisationen/<int:organisation_id>/berichte")
@login_required
def index(organisation_id: int):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    if not policy.can_view_reports_of(current_user, organisation):
        abort(403)
    page = db.paginate(
        queries.reports_of(organisation.id),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    rows = queries.report_rows(organisation.id, list(page.items), queries.local_today())
    return render_template("reports/index.html", organisation=organisation, page=page, rows=rows)


# --- one report: task list and comments ---------------------------------------------------------


@bp.route("/berichte/<int:report_id>")
@login_required
def show(report_id: int):
    report = _report_allowed(report_id, policy.can_view_report)
    return _render_show(report)


def _render_show(report, *, failed_form=None, failed_reply_to=None, problem=None, status=200):
    content = queries.load_content(report)
    missing = missing_answers(content)
    threads = comments.comments_for(report, current_user)
    forms = {}
    if policy.can_comment_on_report(current_user, report):
        forms = {None: CommentForm(prefix="comment", formdata=None)}
        for thread in threads:
            forms[thread.comment.id] = CommentForm(
                prefix=f"answer-{thread.comment.id}", formdata=None
            )
        if failed_form is not None:
            # An answer to a thread this viewer cannot see shows its error at the new comment.
            failed_reply_to = failed_reply_to if failed_reply_to in forms else None
            forms[failed_reply_to] = failed_form
    return render_template(
        "reports/show.html",
        report=report,
        content=content,
        row=queries.report_row(report, queries.local_today()),
        missing=missing,
        states=section_states(content, missing),
        parts=PARTS,
        threads=threads,
        comment_forms=forms,
        failed_reply_to=failed_reply_to if failed_form is not None else "none",
        withdraw_form=ActionForm(formdata=None),
        problem=problem,
    ), status


@bp.route("/berichte/<int:report_id>/kommentare", methods=["POST"])
@login_required
def comment(report_id: int):
    report = _report_allowed(report_id, policy.can_comment_on_report)
    reply_to = request.args.get("antwort", type=int)
    form = CommentForm(prefix=f"answer-{reply_to}" if reply_to else "comment")
    if form.validate_on_submit():
        try:
            written = services.answer(report, current_user, form.body.data, reply_to)
        except comments.CommentRefused as refused:
            form.body.errors = [*form.body.errors, refused.reason]
        else:
            flash(_("Your comment has been sent to the ministry."), "success")
            return redirect(url_for("reports.show", report_id=report.id) + f"#comment-{written.id}")
    return _render_show(report, failed_form=form, failed_reply_to=reply_to, status=422)


# --- the three parts ----------------------------------------------------------------------------


def _editable_or_redirect(report: Report):
    """Pages that change the report: for a report that cannot be changed now, say why on the
    report's page instead."""
    if report.is_editable:
        return None
    flash(
        _(
            "This report has been submitted, so it cannot be changed now. If you need to change "
            "it, your contact person can withdraw it until the ministry has decided."
        ),
        "info",
    )
    return redirect(url_for("reports.show", report_id=report.id))


def _after_save(report: Report, section: str):
    """Where the buttons lead: the next part, the same page, or the task list."""
    choice = request.form.get("next")
    flash(_("Your entries have been saved."), "success")
    if choice == "stay":
        endpoint = dict(PARTS)[section]
    elif choice == "continue":
        sections = [s for s, _endpoint in PARTS]
        position = sections.index(section)
        endpoint = PARTS[position + 1][1] if position + 1 < len(PARTS) else "reports.check"
    else:
        endpoint = "reports.show"
    return redirect(url_for(endpoint, report_id=report.id))


def _edit_page(report_id: int, section: str, build_form, save, template: str):
    """The flow every part shares: load, authorise, validate, save once, redirect; on a refusal
    the page again with everything typed kept (422 bad input, 409 conflict or state)."""
    report = _report_allowed(report_id, policy.can_work_on_report)
    if request.method == "GET" and (leave := _editable_or_redirect(report)) is not None:
        return leave
    content = queries.load_content(report)
    form = build_form(content)
    if not form.is_submitted():
        form.lock_version.data = report.lock_version
    conflict, problem = None, None
    if form.validate_on_submit():
        try:
            save(report, content, form)
        except services.ReportConflict as found:
            conflict = found.changes
            form.lock_version.data = report.lock_version
        except services.ReportRefused as refused:
            problem = refused.reason
        else:
            return _after_save(report, section)
    status = 409 if conflict is not None or problem else (422 if form.errors else 200)
    return render_template(
        template,
        report=report,
        content=content,
        form=form,
        conflict=conflict,
        problem=problem,
        section=section,
    ), status


def _save_figures(report, content, form):
    return services.save_figures(
        report, content, form.figures(), lock_version=form.version, actor=current_user
    )


def _save_progress(report, content, form):
    return services.save_progress(
        report, content, form.progress(), lock_version=form.version, actor=current_user
    )


def _save_assessment(report, content, form):
    return services.save_assessment(
        report,
        content,
        form.texts(),
        bool(form.share_story.data),
        lock_version=form.version,
        actor=current_user,
    )


def _assessment_form(content):
    if request.method == "POST":
        return AssessmentForm()
    return AssessmentForm(data=AssessmentForm.data_of(content.report))


SECTIONS = {
    "figures": (figures_form, _save_figures, "reports/figures.html"),
    "progress": (progress_form, _save_progress, "reports/progress.html"),
    "assessment": (_assessment_form, _save_assessment, "reports/assessment.html"),
}


@bp.route("/berichte/<int:report_id>/kennzahlen", methods=["GET", "POST"])
@login_required
def figures(report_id: int):
    return _edit_page(report_id, "figures", *SECTIONS["figures"])


@bp.route("/berichte/<int:report_id>/massnahmen", methods=["GET", "POST"])
@login_required
def progress(report_id: int):
    return _edit_page(report_id, "progress", *SECTIONS["progress"])


@bp.route("/berichte/<int:report_id>/einschaetzung", methods=["GET", "POST"])
@login_required
def assessment(report_id: int):
    return _edit_page(report_id, "assessment", *SECTIONS["assessment"])


@bp.route("/berichte/<int:report_id>/autosave", methods=["POST"])
@login_required
def autosave(report_id: int):
    """The same save as the part's own form (`?section=figures|progress|assessment`), answered
    in JSON for static/js/autosave.js: `status` saved (with the new lock_version), invalid,
    conflict or refused. The user then saves by hand and sees the full explanation."""
    report = _report_allowed(report_id, policy.can_work_on_report)
    section = request.args.get("section") or request.form.get("section")
    if section not in SECTIONS:
        return jsonify(status="invalid", message=_("Unknown part of the report.")), 422
    if not report.is_editable:
        return jsonify(status="refused", message=str(services.NOT_EDITABLE)), 409
    build_form, save, _template = SECTIONS[section]
    content = queries.load_content(report)
    form = build_form(content)
    if not form.validate_on_submit():
        return jsonify(status="invalid", fields=sorted(form.errors)), 422
    try:
        save(report, content, form)
    except services.ReportConflict:
        return jsonify(status="conflict"), 409
    except services.ReportRefused as refused:
        return jsonify(status="refused", message=str(refused.reason)), 409
    return jsonify(status="saved", lock_version=report.lock_version)


# --- check, submit, withdraw, print -------------------------------------------------------------


def _render_check(report, *, problem=None, status=200):
    content = queries.load_content(report)
    missing = missing_answers(content)
    form = SubmitForm(formdata=None)
    form.lock_version.data = report.lock_version
    return render_template(
        "reports/check.html",
        report=report,
        content=content,
        missing=missing,
        row=queries.report_row(report, queries.local_today()),
        form=form,
        problem=problem,
        parts=dict(PARTS),
    ), status


@bp.route("/berichte/<int:report_id>/pruefen")
@login_required
def check(report_id: int):
    report = _report_allowed(report_id, policy.can_view_report)
    return _render_check(report)


@bp.route("/berichte/<int:report_id>/einreichen", methods=["POST"])
@login_required
def submit(report_id: int):
    report = _report_allowed(report_id, policy.can_send_report)
    form = SubmitForm()
    if not form.validate_on_submit():
        problem = next(iter(form.errors.values()))[0]
        return _render_check(report, problem=problem, status=422)
    try:
        services.submit(report, lock_version=form.version, actor=current_user)
    except services.ReportRefused as refused:
        db.session.rollback()
        return _render_check(report, problem=refused.reason, status=409)
    flash(
        _(
            "Thank you. The annual report %(year)s has been submitted to the ministry. You will "
            "get an e-mail when it has been reviewed.",
            year=report.cycle.year,
        ),
        "success",
    )
    return redirect(url_for("reports.show", report_id=report.id))


@bp.route("/berichte/<int:report_id>/zurueckziehen", methods=["POST"])
@login_required
def withdraw(report_id: int):
    report = _report_allowed(report_id, policy.can_send_report)
    if ActionForm().validate_on_submit():
        try:
            services.withdraw(report, actor=current_user)
        except services.ReportRefused as refused:
            return _render_show(report, problem=refused.reason, status=409)
        flash(
            _(
                "The report has been withdrawn and is a draft again. Change what you need and "
                "submit it again."
            ),
            "success",
        )
        return redirect(url_for("reports.show", report_id=report.id))
    return _render_show(report, status=400)


@bp.route("/berichte/<int:report_id>/druck", endpoint="print")
@login_required
def print_view(report_id: int):
    report = _report_allowed(report_id, policy.can_view_report)
    content = queries.load_content(report)
    return render_template(
        "reports/print.html",
        report=report,
        content=content,
        row=queries.report_row(report, queries.local_today()),
        now=utcnow(),
    )
