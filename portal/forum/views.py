"""Routes of the forum blueprint.

Every route except the one-click unsubscribe link is for the members' area: `_members_only`
sends visitors to the login page and answers others who may not use it (applicants, paused or
ended partners) with a 403 page that says why."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import policy
from portal.extensions import db, login_manager
from portal.forum import bp, queries, services, tokens
from portal.forum.forms import (
    EditPostForm,
    HidePostForm,
    ReplyForm,
    ReportPostForm,
    TopicFilterForm,
    TopicForm,
)
from portal.models import ForumPost, ForumTopic, OrganisationStatus, PostReport, User

# Registered here until the app registers it for everyone (see portal/text.py).

OPEN_ENDPOINTS = frozenset({"forum.unsubscribe"})


@bp.context_processor
def _limits():
    return {
        "title_max": services.TITLE_MAX,
        "body_max": services.BODY_MAX,
        "edit_minutes": policy.FORUM_EDIT_MINUTES,
    }


@bp.before_request
def _members_only():
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not policy.can_use_forum(current_user):
        return _forbidden(_no_access_reason(current_user))
    return None


def _no_access_reason(user: User) -> str:
    organisation = user.organisation
    if organisation is None:
        return _("The forum is open to active partners and the ministry.")
    if organisation.status == OrganisationStatus.APPLICANT:
        return _(
            "The forum is open to active partners and the ministry. %(name)s is applying to "
            "become a partner: once the partnership agreement is recorded, you can take part.",
            name=organisation.name,
        )
    if organisation.status == OrganisationStatus.PAUSED:
        return _(
            "The forum is open to active partners and the ministry. The partnership of "
            "%(name)s is paused, so the members' area is closed to it for now. Please contact "
            "the ministry to resume the partnership.",
            name=organisation.name,
        )
    return _(
        "The forum is open to active partners and the ministry. %(name)s is not a partner of "
        "the initiative (any more).",
        name=organisation.name,
    )


def _forbidden(reason: str):
    return render_template("forum/forbidden.html", reason=reason), 403


def _refused(reason, topic: ForumTopic | None = None, back_to_reports: bool = False):
    """A step that is not possible in the current state (409), for routes without a page."""
    return render_template(
        "forum/refused.html", reason=reason, topic=topic, back_to_reports=back_to_reports
    ), 409


def _page() -> int:
    return request.args.get("page", 1, type=int)


def _topic_or_404(topic_id: int) -> ForumTopic:
    return db.session.get(ForumTopic, topic_id) or abort(404)


def _post_or_404(post_id: int) -> ForumPost:
    return db.session.get(ForumPost, post_id) or abort(404)


def _post_url(post: ForumPost) -> str:
    page = queries.page_of_post(post)
    return url_for(
        "forum.topic",
        topic_id=post.topic_id,
        page=page if page > 1 else None,
        _anchor=f"beitrag-{post.id}",
    )


def quote(body: str) -> str:
    """The text of a post as a quotation for the reply form, with room to answer after it."""
    lines = body.replace("\r\n", "\n").split("\n")
    return "\n".join(f"> {line}" if line.strip() else ">" for line in lines) + "\n\n"


# --- the list and a topic ------------------------------------------------------------------------


@bp.route("")
def index():
    form = TopicFilterForm(formdata=request.args).with_fields_of_action(queries.fields_of_action())
    form.validate()
    field_of_action_id = form.field_of_action_id()
    pagination = queries.paginate_rows(queries.topics(field_of_action_id), _page())
    return render_template(
        "forum/index.html",
        form=form,
        pagination=pagination,
        link_args={"field_of_action": field_of_action_id} if field_of_action_id else {},
        filtered=field_of_action_id is not None,
        open_reports=queries.open_report_count()
        if policy.can_moderate_forum(current_user)
        else None,
    )


@bp.route("/neu", methods=["GET", "POST"])
def create_topic():
    form = TopicForm().with_fields_of_action(queries.fields_of_action())
    problem = None
    if form.validate_on_submit():
        try:
            topic = services.create_topic(
                current_user,
                title=form.title.data,
                body=form.body.data,
                field_of_action_id=form.field_of_action_id(),
                follow=form.follow.data,
            )
        except services.ForumRefused as refused:
            problem = refused.reason
        else:
            flash(_("Your topic is published. Other members can now reply."), "success")
            return redirect(url_for("forum.topic", topic_id=topic.id))
    status = 422 if form.errors or problem else 200
    return render_template("forum/create_topic.html", form=form, problem=problem), status


@bp.route("/<int:topic_id>")
def topic(topic_id: int):
    topic = _topic_or_404(topic_id)
    form = ReplyForm(formdata=None)
    quoted_id = request.args.get("zitat", type=int)
    if quoted_id is not None:
        quoted = db.session.get(ForumPost, quoted_id)
        if quoted is not None and quoted.topic_id == topic.id and not quoted.is_hidden:
            form.body.data = quote(quoted.body)
    return _render_topic(topic, form, _page())


def _render_topic(topic: ForumTopic, form, page: int, status: int = 200, problem=None):
    pagination = queries.paginate_rows(queries.posts(topic.id), page)
    return render_template(
        "forum/topic.html",
        topic=topic,
        pagination=pagination,
        form=form,
        following=services.is_following(topic, current_user),
        problem=problem,
    ), status


@bp.route("/beitraege/<int:post_id>")
def post(post_id: int):
    """A post's address: its topic at the page that shows it."""
    return redirect(_post_url(_post_or_404(post_id)))


# --- writing -------------------------------------------------------------------------------------


@bp.route("/<int:topic_id>/antworten", methods=["POST"])
def reply(topic_id: int):
    topic = _topic_or_404(topic_id)
    form = ReplyForm()
    last_page = queries.last_page(topic.id)
    if topic.is_locked:
        # The form is not shown again, but the text is, so it can be copied.
        problem = _("This topic is locked by the moderators: no more replies can be written.")
        return _render_topic(topic, form, last_page, status=409, problem=problem)
    problem = None
    status = 422
    if form.validate_on_submit():
        try:
            post = services.reply(topic, current_user, form.body.data)
        except services.InputRefused as refused:
            form.body.errors.append(refused.reason)
        except services.ForumRefused as refused:
            problem, status = refused.reason, 409
        else:
            flash(_("Your reply is published."), "success")
            return redirect(_post_url(post))
    return _render_topic(topic, form, last_page, status=status, problem=problem)


@bp.route("/beitraege/<int:post_id>/bearbeiten", methods=["GET", "POST"])
def edit_post(post_id: int):
    post = _post_or_404(post_id)
    if not policy.is_own_forum_post(current_user, post):
        return _forbidden(
            _(
                "You can only change your own posts. The ministry's moderators do not change "
                "other people's text either: they hide a post that breaks the rules."
            )
        )
    # The saved text only fills the form when it is opened; a POST is judged on what it sent.
    form = EditPostForm() if request.method == "POST" else EditPostForm(obj=post)
    problem = services.edit_problem(post, current_user)
    status = 409 if problem else 200
    if problem is None and form.validate_on_submit():
        try:
            services.edit_post(post, current_user, form.body.data)
        except services.InputRefused as refused:
            form.body.errors.append(refused.reason)
        except services.ForumRefused as refused:
            problem, status = refused.reason, 409
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(_post_url(post))
    if form.errors:
        status = 422
    return render_template(
        "forum/edit_post.html", post=post, topic=post.topic, form=form, problem=problem
    ), status


# --- following -----------------------------------------------------------------------------------


@bp.route("/<int:topic_id>/folgen", methods=["POST"])
def follow(topic_id: int):
    topic = _topic_or_404(topic_id)
    services.follow(topic, current_user)
    flash(
        _("You follow this topic. We e-mail you when someone replies, at most once an hour."),
        "success",
    )
    return redirect(url_for("forum.topic", topic_id=topic.id))


@bp.route("/<int:topic_id>/nicht-mehr-folgen", methods=["POST"])
def unfollow(topic_id: int):
    topic = _topic_or_404(topic_id)
    services.unfollow(topic.id, current_user.id)
    flash(_("You no longer follow this topic and get no more e-mails about it."), "success")
    return redirect(url_for("forum.topic", topic_id=topic.id))


@bp.route("/abbestellen/<token>")
def unsubscribe(token: str):
    """The one-click link in the e-mails: unfollows without login; opening it twice is fine."""
    ids = tokens.read_unfollow_token(token)
    if ids is None:
        return render_template("forum/unsubscribe_invalid.html", gone=False), 404
    user_id, topic_id = ids
    topic = db.session.get(ForumTopic, topic_id)
    if topic is None or db.session.get(User, user_id) is None:
        return render_template("forum/unsubscribe_invalid.html", gone=True), 404
    services.unfollow(topic.id, user_id)
    return render_template("forum/unsubscribed.html", topic=topic)


# --- moderation ----------------------------------------------------------------------------------


def _not_a_moderator():
    return _forbidden(
        _(
            "Only the ministry's moderators can do this. If a post breaks the rules, report it "
            "to them with the link “Report to the moderators” below the post."
        )
    )


@bp.route("/beitraege/<int:post_id>/ausblenden", methods=["GET", "POST"])
def hide_post(post_id: int):
    post = _post_or_404(post_id)
    if not policy.can_moderate_forum(current_user):
        return _not_a_moderator()
    form = HidePostForm()
    problem = _("This post has already been hidden.") if post.is_hidden else None
    status = 409 if problem else 200
    if problem is None and form.validate_on_submit():
        try:
            services.hide_post(post, current_user, form.reason.data)
        except services.InputRefused as refused:
            form.reason.errors.append(refused.reason)
        except services.ForumRefused as refused:
            problem, status = refused.reason, 409
        else:
            flash(
                _("The post is hidden. Its author has been told the reason by e-mail."), "success"
            )
            return redirect(_post_url(post))
    if form.errors:
        status = 422
    return render_template(
        "forum/hide_post.html", post=post, topic=post.topic, form=form, problem=problem
    ), status


@bp.route("/beitraege/<int:post_id>/einblenden", methods=["POST"])
def unhide_post(post_id: int):
    post = _post_or_404(post_id)
    if not policy.can_moderate_forum(current_user):
        return _not_a_moderator()
    try:
        services.unhide_post(post, current_user)
    except services.ForumRefused as refused:
        return _refused(refused.reason, topic=post.topic)
    flash(_("The post is visible again for everyone."), "success")
    return redirect(_post_url(post))


@bp.route("/<int:topic_id>/sperren", methods=["POST"])
def lock_topic(topic_id: int):
    topic = _topic_or_404(topic_id)
    if not policy.can_moderate_forum(current_user):
        return _not_a_moderator()
    if services.toggle_lock(topic, current_user):
        flash(_("The topic is locked: it can be read, but nobody can reply."), "success")
    else:
        flash(_("The topic is open again: members can reply."), "success")
    return redirect(url_for("forum.topic", topic_id=topic.id))


@bp.route("/<int:topic_id>/anheften", methods=["POST"])
def pin_topic(topic_id: int):
    topic = _topic_or_404(topic_id)
    if not policy.can_moderate_forum(current_user):
        return _not_a_moderator()
    if services.toggle_pin(topic, current_user):
        flash(_("The topic is pinned: it stays at the top of the list."), "success")
    else:
        flash(_("The topic is no longer pinned."), "success")
    return redirect(url_for("forum.topic", topic_id=topic.id))


@bp.route("/beitraege/<int:post_id>/melden", methods=["GET", "POST"])
def report_post(post_id: int):
    post = _post_or_404(post_id)
    if not policy.can_report_forum_post(current_user, post):
        if policy.is_own_forum_post(current_user, post):
            reason = _("You cannot report your own post. To correct it, change it or reply.")
        else:
            reason = _(
                "Partners report posts to the moderators. As a moderator, hide the post instead."
            )
        return _forbidden(reason)
    form = ReportPostForm()
    problem = services.report_problem(post, current_user)
    status = 409 if problem else 200
    if problem is None and form.validate_on_submit():
        try:
            services.report_post(post, current_user, form.reason.data)
        except services.InputRefused as refused:
            form.reason.errors.append(refused.reason)
        except services.ForumRefused as refused:
            problem, status = refused.reason, 409
        else:
            flash(
                _("Thank you. The moderators have your report and will look at the post."),
                "success",
            )
            return redirect(_post_url(post))
    if form.errors:
        status = 422
    return render_template(
        "forum/report_post.html", post=post, topic=post.topic, form=form, problem=problem
    ), status


@bp.route("/meldungen")
def reports():
    if not policy.can_moderate_forum(current_user):
        return _not_a_moderator()
    pagination = queries.paginate_rows(queries.open_reports(), _page())
    return render_template("forum/reports.html", pagination=pagination)


@bp.route("/meldungen/<int:report_id>/erledigt", methods=["POST"])
def close_report(report_id: int):
    report = db.session.get(PostReport, report_id) or abort(404)
    if not policy.can_moderate_forum(current_user):
        return _not_a_moderator()
    try:
        services.close_report(report, current_user)
    except services.ForumRefused as refused:
        return _refused(refused.reason, back_to_reports=True)
    flash(_("The report is closed."), "success")
    return redirect(url_for("forum.reports"))
