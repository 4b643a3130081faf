"""Routes of the concepts blueprint: the organisation's concept page, start and amend, history,
the read-only and print views, answers to comments, check your answers, submit and withdraw.
The edit routes live in portal/concepts/edit_views.py."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import comments, policy
from portal.concepts import bp, queries, services
from portal.concepts.access import (
    concept_or_404,
    organisation_or_404,
    require_partner_admin,
)
from portal.concepts.completeness import missing_answers
from portal.concepts.forms import ActionForm, CommentForm, SubmitForm
from portal.extensions import db
from portal.models import Comment, utcnow

# --- the organisation's concept ------------------------------------------------------------------


def _overview(organisation, problem=None, status=200):
    versions = queries.versions_of(organisation.id)
    is_partner = policy.belongs_to(current_user, organisation.id)
    admins = queries.partner_admins(organisation.id) if is_partner else []
    return render_template(
        "concepts/overview.html",
        organisation=organisation,
        versions=versions,
        admins=admins,
        is_partner=is_partner,
        action_form=ActionForm(),
        problem=problem,
    ), status


@bp.route("/organisationen/<int:organisation_id>/konzept")
@login_required
def overview(organisation_id: int):
    return _overview(organisation_or_404(organisation_id))


@bp.route("/organisationen/<int:organisation_id>/konzept/beginnen", methods=["POST"])
@login_required
def start(organisation_id: int):
    organisation = organisation_or_404(organisation_id)
    require_partner_admin(organisation.id)
    if ActionForm().validate_on_submit():
        try:
            concept = services.start_concept(organisation, current_user)
        except services.ConceptRefused as refused:
            return _overview(organisation, refused.reason, 409)
        flash(_("Your concept is started. Describe your starting point and goals."), "success")
        return redirect(url_for("concepts.edit", concept_id=concept.id))
    return _overview(organisation, _("Please try again."), 400)


@bp.route("/organisationen/<int:organisation_id>/konzept/aendern", methods=["POST"])
@login_required
def amend(organisation_id: int):
    organisation = organisation_or_404(organisation_id)
    require_partner_admin(organisation.id)
    in_force = queries.versions_of(organisation.id).in_force
    if in_force is None:
        return _overview(organisation, _("There is no approved concept to amend yet."), 409)
    if ActionForm().validate_on_submit():
        try:
            concept = services.amend_concept(in_force, current_user)
        except services.ConceptRefused as refused:
            return _overview(organisation, refused.reason, 409)
        flash(
            _(
                "Version %(number)s is started as a copy of the concept in force. The approved "
                "version stays in force until the ministry approves the new one.",
                number=concept.version_number,
            ),
            "success",
        )
        return redirect(url_for("concepts.edit", concept_id=concept.id))
    return _overview(organisation, _("Please try again."), 400)


@bp.route("/organisationen/<int:organisation_id>/konzept/verlauf")
@login_required
def history(organisation_id: int):
    organisation = organisation_or_404(organisation_id)
    entries, versions = queries.history(
        organisation.id, current_user, page=request.args.get("page", 1, type=int)
    )
    return render_template(
        "concepts/history.html",
        organisation=organisation,
        entries=entries,
        versions=versions,
        version_numbers={v.id: v.version_number for v in versions},
        show_internal=policy.is_ministry(current_user),
    )


# --- one version ---------------------------------------------------------------------------------


def _comment_form(reply_to_id: int | None, formdata=True) -> CommentForm:
    """The form for a new comment, or for an answer to comment `reply_to_id` (own prefix, so
    several can share a page)."""
    options = {} if formdata else {"formdata": None}
    if reply_to_id is None:
        return CommentForm(prefix="comment", **options)
    form = CommentForm(prefix=f"answer-{reply_to_id}", **options)
    form.body.label.text = _("Your answer")
    return form


def _comment_forms(threads_by_lineage, posted=None):
    """An empty answer form per visible thread and one for a new comment; `posted` replaces the
    one the user sent (with its errors and text)."""
    forms = {None: _comment_form(None, formdata=False)}
    for threads in threads_by_lineage.values():
        for thread in threads:
            forms[thread.comment.id] = _comment_form(thread.comment.id, formdata=False)
    if posted is not None:
        forms[posted[0]] = posted[1]
    return forms


def _show(concept, posted=None, problem=None, status=200):
    measures = queries.measures_of(concept)
    threads = queries.threads_by_lineage(concept, current_user, measures)
    can_answer = policy.can_answer_comments(current_user, concept)
    return render_template(
        "concepts/show.html",
        concept=concept,
        organisation=concept.organisation,
        measures=measures,
        threads=threads,
        can_answer=can_answer,
        comment_forms=_comment_forms(threads, posted) if can_answer else {},
        action_form=ActionForm(),
        problem=problem,
        review_url=_review_url(concept),
    ), status


def _review_url(concept):
    """The ministry's review page, once the review blueprint has it."""
    if policy.is_ministry(current_user) and "review.concept" in current_app.view_functions:
        return url_for("review.concept", concept_id=concept.id)
    return None


@bp.route("/konzepte/<int:concept_id>")
@login_required
def show(concept_id: int):
    return _show(concept_or_404(concept_id))


@bp.route("/konzepte/<int:concept_id>/druck", endpoint="print")
@login_required
def print_view(concept_id: int):
    concept = concept_or_404(concept_id)
    return render_template(
        "concepts/print.html",
        concept=concept,
        organisation=concept.organisation,
        measures=queries.measures_of(concept),
        # The paper shows the concept as written; comments are read and answered online.
        threads=None,
        now=utcnow(),
    )


@bp.route("/konzepte/<int:concept_id>/kommentare", methods=["POST"])
@login_required
def comment(concept_id: int):
    concept = concept_or_404(concept_id, policy.can_answer_comments)
    reply_to_id = request.values.get("reply_to", type=int)
    reply_to = None
    if reply_to_id is not None:
        reply_to = db.session.get(Comment, reply_to_id)
        if reply_to is None:
            return _show(concept, problem=_("This comment does not exist any more."), status=409)
    form = _comment_form(reply_to_id)
    if not form.validate_on_submit():
        return _show(concept, posted=(reply_to_id, form), status=422)
    try:
        written = comments.add_comment(concept, current_user, form.body.data, reply_to=reply_to)
    except comments.CommentRefused as refused:
        return _show(concept, posted=(reply_to_id, form), problem=refused.reason, status=409)
    flash(_("Your comment is saved. The ministry is informed by e-mail."), "success")
    return redirect(
        url_for("concepts.show", concept_id=concept.id, _anchor=f"comment-{written.id}")
    )


# --- check your answers, submit, withdraw --------------------------------------------------------


def _check(concept, problem=None, status=200):
    measures = queries.measures_of(concept)
    form = SubmitForm(formdata=None, data={"lock_version": concept.lock_version})
    return render_template(
        "concepts/check.html",
        concept=concept,
        organisation=concept.organisation,
        measures=measures,
        missing=missing_answers(concept, measures),
        threads=queries.threads_by_lineage(concept, current_user, measures),
        admins=queries.partner_admins(concept.organisation_id),
        form=form,
        problem=problem,
    ), status


@bp.route("/konzepte/<int:concept_id>/pruefen")
@login_required
def check(concept_id: int):
    return _check(concept_or_404(concept_id))


@bp.route("/konzepte/<int:concept_id>/einreichen", methods=["POST"])
@login_required
def submit(concept_id: int):
    concept = concept_or_404(concept_id)
    require_partner_admin(concept.organisation_id)
    form = SubmitForm()
    if not form.validate_on_submit():
        return _check(concept, _("Please try again."), 400)
    try:
        services.submit(concept, form.lock()[0], current_user)
    except services.ConceptRefused as refused:
        db.session.expire_all()
        return _check(db.session.get(type(concept), concept_id), refused.reason, 409)
    flash(
        _(
            "Version %(number)s of your concept is submitted. The ministry reviews it and "
            "answers by e-mail.",
            number=concept.version_number,
        ),
        "success",
    )
    return redirect(url_for("concepts.overview", organisation_id=concept.organisation_id))


@bp.route("/konzepte/<int:concept_id>/zurueckziehen", methods=["POST"])
@login_required
def withdraw(concept_id: int):
    concept = concept_or_404(concept_id)
    require_partner_admin(concept.organisation_id)
    if not ActionForm().validate_on_submit():
        return _show(concept, problem=_("Please try again."), status=400)
    try:
        services.withdraw(concept, current_user)
    except services.ConceptRefused as refused:
        db.session.expire_all()
        return _show(db.session.get(type(concept), concept_id), problem=refused.reason, status=409)
    flash(
        _("Your concept is withdrawn and is a draft again. Change it and submit it again."),
        "success",
    )
    return redirect(url_for("concepts.edit", concept_id=concept.id))


from portal.concepts import edit_views  # noqa: E402, F401
