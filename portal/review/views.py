"""Routes of the review blueprint: the ministry's dashboard (with the partners that have not
reported), the review queue, and the review page of a concept with assignment, comments and
decisions. The review of annual reports is in report_views.py."""

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import comments, policy, workflow
from portal.extensions import db
from portal.forms import safe_next_url
from portal.models import Comment, Concept, SubmissionStatus, utcnow
from portal.reports.queries import local_today
from portal.review import bp, non_reporting, queries, services, snapshots
from portal.review.forms import (
    AssignForm,
    CommentForm,
    DecisionForm,
    QueueFilterForm,
    assign_prefix,
)

# Far beyond any real queue, small enough that OFFSET never overflows a database integer.
MAX_PAGE = 100_000


def _ministry_only() -> None:
    if not policy.can_review(current_user):
        abort(403)


def _concept_allowed(concept_id: int) -> Concept:
    """The concept with what its review page shows, for the ministry: 403 for anyone else
    (before loading, so a partner cannot tell which ids exist), 404 if missing."""
    _ministry_only()
    concept = queries.concept_for_review(concept_id) or abort(404)
    if not policy.can_review(current_user, concept):
        abort(403)
    return concept


def _assign_prefix(concept_id: int) -> str:
    """The same prefix on the queue and the review page keeps field ids unique on the queue."""
    return assign_prefix("concept", concept_id)


@bp.route("")
@login_required
def dashboard():
    if not policy.can_view_ministry_dashboard(current_user):
        abort(403)
    now = utcnow()
    today = local_today()
    oldest = db.session.execute(
        queries.review_queue(queries.QueueFilters(), current_user, now).limit(10)
    ).all()
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    behind = queries.paginate_rows(
        non_reporting.non_reporting_statement(today),
        page=page,
        per_page=current_app.config["PAGE_SIZE"],
    )
    return render_template(
        "review/dashboard.html",
        counts=queries.partners_by_status(),
        queue_counts=queries.queue_counts(current_user, now),
        queue=oldest,
        now=now,
        today=today,
        non_reporting=behind,
        non_reporting_rows=[non_reporting.non_reporting_row(r, today) for r in behind.items],
        cycles_behind=non_reporting.cycles_behind(today),
    )


@bp.route("/pruefung")
@login_required
def queue():
    _ministry_only()
    form = QueueFilterForm(formdata=request.args)
    form.validate()
    filters = form.filters()
    now = utcnow()
    page_size = current_app.config["PAGE_SIZE"]
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    pagination = queries.paginate_rows(
        queries.review_queue(filters, current_user, now), page=page, per_page=page_size
    )
    link_args = {
        name: value
        for name, value in vars(filters).items()
        if value and not (name == "status" and value == "submitted")
    }
    reviewers = queries.assignable_reviewers()
    # Keyed by (kind, id): a concept and a report may have the same id.
    assign_forms = {}
    for item in pagination.items:
        assign_form = AssignForm(formdata=None, prefix=assign_prefix(item.kind, item.id))
        assign_form.set_reviewers(reviewers, current_user)
        assign_form.reviewer.data = str(item.assigned_reviewer_id or current_user.id)
        if item.kind == "concept":
            assign_form.reviewer.label.text = _(
                "Assign the concept of %(organisation)s to", organisation=item.organisation_name
            )
        else:
            assign_form.reviewer.label.text = _(
                "Assign the annual report %(year)s of %(organisation)s to",
                year=item.number,
                organisation=item.organisation_name,
            )
        assign_form.return_to.data = request.full_path
        assign_forms[(item.kind, item.id)] = assign_form
    return render_template(
        "review/queue.html",
        form=form,
        filters=filters,
        pagination=pagination,
        link_args=link_args,
        assign_forms=assign_forms,
        now=now,
        filtered=bool(link_args),
    )


@bp.route("/konzepte/<int:concept_id>")
@login_required
def concept(concept_id: int):
    concept = _concept_allowed(concept_id)
    return _review_page(concept)


def _review_page(
    concept: Concept,
    *,
    status: int = 200,
    problem=None,
    assign_form: AssignForm | None = None,
    comment_form: CommentForm | None = None,
    reply_form: CommentForm | None = None,
    reply_to_id: int | None = None,
    decision_form: DecisionForm | None = None,
):
    """The review page; a form that failed is passed in to be shown with its input and errors."""
    measures = list(concept.measures)
    reviewers = queries.assignable_reviewers()
    if assign_form is None:
        assign_form = AssignForm(formdata=None, prefix=_assign_prefix(concept.id))
        assign_form.reviewer.data = str(concept.assigned_reviewer_id or current_user.id)
    assign_form.set_reviewers(reviewers, current_user)
    assign_form.return_to.data = url_for("review.concept", concept_id=concept.id)

    if comment_form is None:
        comment_form = CommentForm(formdata=None)
    comment_form.set_measures(measures)

    threads = comments.comments_for(concept, current_user)
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

    actions = [
        t.action
        for t in workflow.allowed_actions(current_user, concept)
        if t.action in services.DECISIONS
    ]
    newer_version = queries.newer_version_exists(concept)
    if newer_version and "reopen" in actions:
        actions.remove("reopen")
    if decision_form is None:
        decision_form = DecisionForm(formdata=None)
    if concept.status == SubmissionStatus.APPROVED:
        decision_form.comment.label.text = _("Reason for reopening (the partner reads it)")

    return render_template(
        "review/concept.html",
        concept=concept,
        organisation=concept.organisation,
        measures=measures,
        measures_by_lineage={m.lineage_id: m for m in measures},
        comparison=snapshots.comparison(concept),
        lookups=queries.reference_lookups(),
        threads=threads,
        assign_form=assign_form,
        comment_form=comment_form,
        reply_forms=reply_forms,
        decision_form=decision_form,
        actions=actions,
        newer_version=newer_version,
        next_step_agreement=queries.first_approved_of_applicant(concept),
        problem=problem,
        iso_date=date.fromisoformat,
        now=utcnow(),
    ), status


@bp.route("/konzepte/<int:concept_id>/zuweisen", methods=["POST"])
@login_required
def assign(concept_id: int):
    concept = _concept_allowed(concept_id)
    form = AssignForm(prefix=_assign_prefix(concept.id))
    form.set_reviewers(queries.assignable_reviewers(), current_user)
    if not form.validate_on_submit():
        return _review_page(concept, status=422, assign_form=form)
    try:
        reviewer = services.assign(concept, int(form.reviewer.data), current_user)
    except services.ReviewRefused as refused:
        return _review_page(concept, status=409, problem=refused.reason, assign_form=form)
    if reviewer.id == current_user.id:
        flash(
            _("The concept of %(name)s is assigned to you.", name=concept.organisation.name),
            "success",
        )
    else:
        flash(
            _(
                "The concept of %(name)s is assigned to %(reviewer)s, who has been told by e-mail.",
                name=concept.organisation.name,
                reviewer=reviewer.name,
            ),
            "success",
        )
    return redirect(
        safe_next_url(form.return_to.data) or url_for("review.concept", concept_id=concept.id)
    )


@bp.route("/konzepte/<int:concept_id>/kommentare", methods=["POST"])
@login_required
def comment(concept_id: int):
    concept = _concept_allowed(concept_id)
    reply_to_id = request.args.get("reply_to", type=int)
    is_reply = reply_to_id is not None
    form = CommentForm(prefix=f"reply-{reply_to_id}" if is_reply else "")
    if is_reply:
        del form.measure
        parent = db.session.get(Comment, reply_to_id)
        if parent is not None and parent.is_internal:
            del form.visibility
    else:
        form.set_measures(concept.measures)
    forms = {"reply_form": form, "reply_to_id": reply_to_id} if is_reply else {"comment_form": form}
    if not form.validate_on_submit():
        return _review_page(concept, status=422, **forms)
    try:
        written = services.comment(
            concept,
            current_user,
            form.body.data,
            internal=form.internal,
            measure_lineage_id=None if is_reply else form.measure.data,
            reply_to_id=reply_to_id,
        )
    except services.ReviewRefused as refused:
        return _review_page(concept, status=409, problem=refused.reason, **forms)
    if written.is_internal:
        flash(_("Your internal comment is saved. Only ministry staff can read it."), "success")
    else:
        flash(
            _("Your comment is saved. The organisation can read it and has been told by e-mail."),
            "success",
        )
    return redirect(
        url_for("review.concept", concept_id=concept.id, _anchor=f"comment-{written.id}")
    )


@bp.route("/konzepte/<int:concept_id>/entscheidung", methods=["POST"])
@login_required
def decide(concept_id: int):
    concept = _concept_allowed(concept_id)
    action = request.form.get("action")
    form = DecisionForm(action=action)
    if not form.validate_on_submit():
        return _review_page(concept, status=422, decision_form=form)
    try:
        services.decide(concept, action, current_user, form.comment.data)
    except services.ReviewRefused as refused:
        db.session.expire_all()
        concept = queries.concept_for_review(concept_id) or abort(404)
        return _review_page(concept, status=409, problem=refused.reason, decision_form=form)
    flash(_decision_message(concept), "success")
    return redirect(url_for("review.concept", concept_id=concept.id))


def _decision_message(concept: Concept) -> str:
    name = concept.organisation.name
    n = concept.version_number
    if concept.status == SubmissionStatus.APPROVED:
        if queries.first_approved_of_applicant(concept):
            return _(
                "Version %(n)s of the concept of %(name)s is approved and the organisation has "
                "been told by e-mail. Next step: record the partnership agreement once it is "
                "signed.",
                n=n,
                name=name,
            )
        return _(
            "Version %(n)s of the concept of %(name)s is approved and the organisation has been "
            "told by e-mail.",
            n=n,
            name=name,
        )
    return _(
        "Changes to version %(n)s of the concept of %(name)s are requested. The organisation has "
        "been told by e-mail and can revise the concept.",
        n=n,
        name=name,
    )
