"""Routes of the review blueprint for annual reports: the review page of a report with the whole
report beside last year's figures, assignment, comments and decisions.

The partner's report pages (portal/reports) read the same content through
`portal.reports.queries.load_content`; this page adds what only the ministry does."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import comments, policy, workflow
from portal.extensions import db
from portal.forms import safe_next_url
from portal.models import Comment, Report, SubmissionStatus, utcnow
from portal.reports import queries as report_queries
from portal.review import bp, queries, services
from portal.review.forms import AssignForm, CommentForm, ReportDecisionForm, assign_prefix


def _report_allowed(report_id: int) -> Report:
    """The report for the ministry: 403 for anyone else (asked before loading, so a partner
    cannot tell which ids exist), 404 if missing."""
    if not policy.can_review(current_user):
        abort(403)
    report = queries.report_for_review(report_id) or abort(404)
    if not policy.can_review(current_user, report):
        abort(403)
    return report


def _prefix(report: Report) -> str:
    return assign_prefix("report", report.id)


@bp.route("/berichte/<int:report_id>", endpoint="report")
@login_required
def report_page(report_id: int):
    return _review_page(_report_allowed(report_id))


def _review_page(
    report: Report,
    *,
    status: int = 200,
    problem=None,
    assign_form: AssignForm | None = None,
    comment_form: CommentForm | None = None,
    reply_form: CommentForm | None = None,
    reply_to_id: int | None = None,
    decision_form: ReportDecisionForm | None = None,
):
    """The review page; a form that failed is passed in to be shown with its input and errors."""
    content = report_queries.load_content(report)
    row = report_queries.report_row(report, report_queries.local_today())

    if assign_form is None:
        assign_form = AssignForm(formdata=None, prefix=_prefix(report))
        assign_form.reviewer.data = str(report.assigned_reviewer_id or current_user.id)
    assign_form.set_reviewers(queries.assignable_reviewers(), current_user)
    assign_form.return_to.data = url_for("review.report", report_id=report.id)

    if comment_form is None:
        comment_form = CommentForm(formdata=None)
    comment_form.set_report_measures(content)

    threads = comments.comments_for(report, current_user)
    reply_forms = {}
    for thread in threads:
        if reply_form is not None and thread.comment.id == reply_to_id:
            form = reply_form
        else:
            form = CommentForm(formdata=None, prefix=f"reply-{thread.comment.id}")
        if thread.comment.is_internal and "visibility" in form._fields:
            del form.visibility
        form.body.label.text = _("Your answer")
        reply_forms[thread.comment.id] = form

    sends_back = services.sends_back_possible(report)
    actions = [
        t.action
        for t in workflow.allowed_actions(current_user, report)
        if t.action in services.DECISIONS
        and (sends_back or t.action not in ("request_changes", "reopen"))
    ]
    if decision_form is None:
        decision_form = ReportDecisionForm(formdata=None)
    if report.status == SubmissionStatus.APPROVED:
        decision_form.comment.label.text = _("Reason for reopening (the partner reads it)")

    return render_template(
        "review/report.html",
        report=report,
        organisation=report.organisation,
        cycle=report.cycle,
        content=content,
        row=row,
        measures_by_lineage={m.lineage_id: m for m in content.measures},
        threads=threads,
        assign_form=assign_form,
        comment_form=comment_form,
        reply_forms=reply_forms,
        decision_form=decision_form,
        actions=actions,
        sends_back=sends_back,
        problem=problem,
        now=utcnow(),
    ), status


@bp.route("/berichte/<int:report_id>/zuweisen", methods=["POST"])
@login_required
def assign_report(report_id: int):
    report = _report_allowed(report_id)
    form = AssignForm(prefix=_prefix(report))
    form.set_reviewers(queries.assignable_reviewers(), current_user)
    if not form.validate_on_submit():
        return _review_page(report, status=422, assign_form=form)
    try:
        reviewer = services.assign(report, int(form.reviewer.data), current_user)
    except services.ReviewRefused as refused:
        return _review_page(report, status=409, problem=refused.reason, assign_form=form)
    name, year = report.organisation.name, report.cycle.year
    if reviewer.id == current_user.id:
        flash(
            _("The annual report %(year)s of %(name)s is assigned to you.", year=year, name=name),
            "success",
        )
    else:
        flash(
            _(
                "The annual report %(year)s of %(name)s is assigned to %(reviewer)s, who has "
                "been told by e-mail.",
                year=year,
                name=name,
                reviewer=reviewer.name,
            ),
            "success",
        )
    return redirect(
        safe_next_url(form.return_to.data) or url_for("review.report", report_id=report.id)
    )


@bp.route("/berichte/<int:report_id>/kommentare", methods=["POST"])
@login_required
def comment_report(report_id: int):
    report = _report_allowed(report_id)
    reply_to_id = request.args.get("reply_to", type=int)
    is_reply = reply_to_id is not None
    form = CommentForm(prefix=f"reply-{reply_to_id}" if is_reply else "")
    content = report_queries.load_content(report)
    if is_reply:
        del form.measure
        parent = db.session.get(Comment, reply_to_id)
        if parent is not None and parent.is_internal:
            del form.visibility
    else:
        form.set_report_measures(content)
    forms = {"reply_form": form, "reply_to_id": reply_to_id} if is_reply else {"comment_form": form}
    if not form.validate_on_submit():
        return _review_page(report, status=422, **forms)
    try:
        written = services.comment_on_report(
            report,
            current_user,
            form.body.data,
            internal=form.internal,
            measure_lineages={m.lineage_id for m in content.measures},
            measure_lineage_id=None if is_reply else form.measure.data,
            reply_to_id=reply_to_id,
        )
    except services.ReviewRefused as refused:
        return _review_page(report, status=409, problem=refused.reason, **forms)
    if written.is_internal:
        flash(_("Your internal comment is saved. Only ministry staff can read it."), "success")
    else:
        flash(
            _("Your comment is saved. The organisation can read it and has been told by e-mail."),
            "success",
        )
    return redirect(url_for("review.report", report_id=report.id, _anchor=f"comment-{written.id}"))


@bp.route("/berichte/<int:report_id>/entscheidung", methods=["POST"])
@login_required
def decide_report(report_id: int):
    report = _report_allowed(report_id)
    action = request.form.get("action")
    form = ReportDecisionForm(action=action)
    if not form.validate_on_submit():
        return _review_page(report, status=422, decision_form=form)
    try:
        services.decide_report(report, action, current_user, form.comment.data)
    except services.ReviewRefused as refused:
        db.session.expire_all()
        report = queries.report_for_review(report_id) or abort(404)
        return _review_page(report, status=409, problem=refused.reason, decision_form=form)
    flash(_decision_message(report), "success")
    return redirect(url_for("review.report", report_id=report.id))


def _decision_message(report: Report) -> str:
    name, year = report.organisation.name, report.cycle.year
    if report.status == SubmissionStatus.APPROVED:
        return _(
            "The annual report %(year)s of %(name)s is approved and the organisation has been "
            "told by e-mail.",
            year=year,
            name=name,
        )
    return _(
        "The annual report %(year)s of %(name)s has been sent back for changes. The organisation "
        "has been told by e-mail and can revise and submit it again.",
        year=year,
        name=name,
    )
