"""Changes in the forum: topics, replies, edits, following, moderation and reports.

Each function checks what it is asked to do, changes the rows, writes the audit entry for
moderation steps, queues the e-mails and commits once. Functions that depend on the clock take
`now` (naive UTC), so tests can move it. A refusal raises `ForumRefused` (the view shows its
reason with 409) or `ForumForbidden` (403)."""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal import audit, mail, policy
from portal.extensions import db
from portal.forum import tokens
from portal.models import (
    FieldOfAction,
    ForumPost,
    ForumTopic,
    PostReport,
    Role,
    TopicFollow,
    User,
    utcnow,
)

TITLE_MAX = 150
BODY_MAX = 10_000
REASON_MAX = 2_000
# A follower hears about new replies in a topic at most once in this time.
NOTIFY_INTERVAL = timedelta(hours=1)
# How much of a reply the e-mail to followers quotes.
MAIL_EXCERPT = 1_000


class ForumRefused(Exception):
    """The step is not possible in the current state; `reason` is for the user."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason


class ForumForbidden(ForumRefused):
    """This user may not take the step at all (403)."""


class InputRefused(ForumRefused):
    """The text or reason is missing or too long (422; the forms usually catch it first)."""


# --- checks shared by the steps ------------------------------------------------------------------


def clean_title(title: str | None) -> str:
    """One line: a title is also an e-mail subject."""
    return " ".join((title or "").split())


def _checked_title(title: str | None) -> str:
    title = clean_title(title)
    if not title:
        raise InputRefused(_l("Please enter a title."))
    if len(title) > TITLE_MAX:
        raise InputRefused(_l("Please shorten the title to %(n)s characters.", n=TITLE_MAX))
    return title


def _checked_body(body: str | None) -> str:
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise InputRefused(_l("Please write a text."))
    if len(body) > BODY_MAX:
        raise InputRefused(_l("Please shorten the text to %(n)s characters.", n=BODY_MAX))
    return body


def _checked_reason(reason: str | None) -> str:
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise InputRefused(_l("Please give a reason."))
    if len(reason) > REASON_MAX:
        raise InputRefused(_l("Please shorten the reason to %(n)s characters.", n=REASON_MAX))
    return reason


def _require_member(user: User) -> None:
    if not policy.can_use_forum(user):
        raise ForumForbidden(_l("The forum is open to active partners and the ministry."))


def _require_moderator(user: User) -> None:
    if not policy.can_moderate_forum(user):
        raise ForumForbidden(_l("Only the ministry's moderators can do this."))


def _field_of_action(field_of_action_id: int | None) -> FieldOfAction | None:
    if field_of_action_id is None:
        return None
    field = db.session.get(FieldOfAction, field_of_action_id)
    if field is None or not field.is_active:
        raise InputRefused(_l("Choose one of the fields of action in the list."))
    return field


# --- topics and posts ----------------------------------------------------------------------------


def create_topic(
    author: User,
    *,
    title: str,
    body: str,
    field_of_action_id: int | None = None,
    follow: bool = True,
    now: datetime | None = None,
) -> ForumTopic:
    """Start a topic with its first post; the author follows it unless they chose not to."""
    now = now or utcnow()
    _require_member(author)
    topic = ForumTopic(
        title=_checked_title(title),
        author_id=author.id,
        field_of_action=_field_of_action(field_of_action_id),
        created_at=now,
        last_activity_at=now,
        is_locked=False,
        is_pinned=False,
    )
    topic.posts.append(
        ForumPost(author_id=author.id, body=_checked_body(body), created_at=now, is_hidden=False)
    )
    db.session.add(topic)
    db.session.flush()
    if follow:
        db.session.add(TopicFollow(topic_id=topic.id, user_id=author.id, created_at=now))
    db.session.commit()
    return topic


def reply(topic: ForumTopic, author: User, body: str, *, now: datetime | None = None) -> ForumPost:
    """Answer in a topic and tell its followers by e-mail (at most once an hour each)."""
    now = now or utcnow()
    _require_member(author)
    if topic.is_locked:
        raise ForumRefused(
            _l("This topic is locked by the moderators: no more replies can be written.")
        )
    post = ForumPost(
        topic_id=topic.id,
        author_id=author.id,
        body=_checked_body(body),
        created_at=now,
        is_hidden=False,
    )
    db.session.add(post)
    topic.last_activity_at = now
    db.session.flush()
    _notify_followers(topic, post, author, now)
    db.session.commit()
    return post


def _notify_followers(topic: ForumTopic, post: ForumPost, author: User, now: datetime) -> None:
    due = db.session.execute(
        select(TopicFollow, User)
        .join(User, TopicFollow.user_id == User.id)
        .options(joinedload(User.organisation))
        .where(
            TopicFollow.topic_id == topic.id,
            TopicFollow.user_id != author.id,
            User.is_active_account.is_(True),
            or_(
                TopicFollow.last_notified_at.is_(None),
                TopicFollow.last_notified_at <= now - NOTIFY_INTERVAL,
            ),
        )
        .order_by(TopicFollow.id)
    ).all()
    excerpt = post.body
    if len(excerpt) > MAIL_EXCERPT:
        excerpt = excerpt[:MAIL_EXCERPT].rstrip() + " …"
    for follow, follower in due:
        if not policy.can_use_forum(follower):
            continue  # e.g. the follower's partnership is paused: no forum, no e-mail
        follow.last_notified_at = now
        mail.queue_mail_to_user(
            follower,
            "forum_reply",
            topic=topic,
            post=post,
            author=author,
            excerpt=excerpt,
            unfollow_token=tokens.unfollow_token(follower.id, topic.id),
        )


def edit_problem(post: ForumPost, editor: User, *, now: datetime | None = None):
    """Why the author cannot change this post now, or None if they can."""
    if post.is_hidden:
        return _l("This post is hidden by the moderators and cannot be changed.")
    if post.topic.is_locked:
        return _l("This topic is locked by the moderators: its posts cannot be changed.")
    if not policy.can_edit_forum_post(editor, post, now=now):
        return _l(
            "A post can only be changed within %(n)s minutes of writing it. This time is over. "
            "If something needs correcting, write a reply.",
            n=policy.FORUM_EDIT_MINUTES,
        )
    return None


def edit_post(
    post: ForumPost, editor: User, body: str, *, now: datetime | None = None
) -> ForumPost:
    """The author corrects a post within the edit window."""
    now = now or utcnow()
    if not policy.is_own_forum_post(editor, post):
        raise ForumForbidden(_l("You can only change your own posts."))
    problem = edit_problem(post, editor, now=now)
    if problem is not None:
        raise ForumRefused(problem)
    post.body = _checked_body(body)
    post.edited_at = now
    db.session.commit()
    return post


# --- following -----------------------------------------------------------------------------------


def is_following(topic: ForumTopic, user: User) -> bool:
    return (
        db.session.scalar(
            select(TopicFollow.id).where(
                TopicFollow.topic_id == topic.id, TopicFollow.user_id == user.id
            )
        )
        is not None
    )


def follow(topic: ForumTopic, user: User) -> bool:
    """Follow a topic; True if the user did not follow it before. Following twice is harmless."""
    _require_member(user)
    if is_following(topic, user):
        return False
    db.session.add(TopicFollow(topic_id=topic.id, user_id=user.id))
    try:
        db.session.commit()
    except IntegrityError:
        # A second click in the same moment followed already.
        db.session.rollback()
        return False
    return True


def unfollow(topic_id: int, user_id: int) -> bool:
    """Stop following; True if the user followed the topic. Needs no login (e-mail link), so
    it takes ids and checks nothing but the row."""
    follow_row = db.session.scalar(
        select(TopicFollow).where(TopicFollow.topic_id == topic_id, TopicFollow.user_id == user_id)
    )
    if follow_row is None:
        return False
    db.session.delete(follow_row)
    db.session.commit()
    return True


# --- moderation ----------------------------------------------------------------------------------


def hide_post(
    post: ForumPost, moderator: User, reason: str, *, now: datetime | None = None
) -> ForumPost:
    """Hide a post with a reason: its author reads the reason, others only that it is hidden.
    Open reports of the post are closed with it; the author is told by e-mail."""
    now = now or utcnow()
    _require_moderator(moderator)
    reason = _checked_reason(reason)
    if post.is_hidden:
        raise ForumRefused(_l("This post has already been hidden."))
    post.is_hidden = True
    post.hidden_reason = reason
    post.hidden_by_id = moderator.id
    closed = _close_open_reports(post, moderator, now)
    author = db.session.get(User, post.author_id) if post.author_id else None
    audit.record(
        "forum_post_hidden",
        post,
        actor=moderator,
        organisation_id=author.organisation_id if author else None,
        comment=reason,
        topic_id=post.topic_id,
        reports_closed=closed,
    )
    if author is not None and author.is_active_account and author.id != moderator.id:
        mail.queue_mail_to_user(author, "forum_post_hidden", post=post, topic=post.topic)
    db.session.commit()
    return post


def unhide_post(post: ForumPost, moderator: User) -> ForumPost:
    _require_moderator(moderator)
    if not post.is_hidden:
        raise ForumRefused(_l("This post is not hidden."))
    author = db.session.get(User, post.author_id) if post.author_id else None
    audit.record(
        "forum_post_unhidden",
        post,
        actor=moderator,
        organisation_id=author.organisation_id if author else None,
        comment=post.hidden_reason,
        topic_id=post.topic_id,
    )
    post.is_hidden = False
    post.hidden_reason = ""
    post.hidden_by_id = None
    db.session.commit()
    return post


def toggle_lock(topic: ForumTopic, moderator: User) -> bool:
    """Lock an open topic or open a locked one; returns whether it is locked now."""
    _require_moderator(moderator)
    topic.is_locked = not topic.is_locked
    audit.record(
        "forum_topic_locked" if topic.is_locked else "forum_topic_unlocked",
        topic,
        actor=moderator,
        title=topic.title,
    )
    db.session.commit()
    return topic.is_locked


def toggle_pin(topic: ForumTopic, moderator: User) -> bool:
    """Pin a topic to the top of the list, or unpin it; returns whether it is pinned now."""
    _require_moderator(moderator)
    topic.is_pinned = not topic.is_pinned
    audit.record(
        "forum_topic_pinned" if topic.is_pinned else "forum_topic_unpinned",
        topic,
        actor=moderator,
        title=topic.title,
    )
    db.session.commit()
    return topic.is_pinned


# --- reports to the moderators -------------------------------------------------------------------


def _report_of(post: ForumPost, reporter: User) -> PostReport | None:
    return db.session.scalar(
        select(PostReport).where(
            PostReport.post_id == post.id, PostReport.reporter_id == reporter.id
        )
    )


def report_problem(post: ForumPost, reporter: User):
    """Why this person cannot report the post now, or None if they can."""
    if post.is_hidden:
        return _l("The moderators have already hidden this post.")
    report = _report_of(post, reporter)
    if report is not None and report.resolved_at is None:
        return _l("You have already reported this post. The moderators will look at it.")
    return None


def report_post(
    post: ForumPost, reporter: User, reason: str, *, now: datetime | None = None
) -> PostReport:
    """A partner reports a post; the reviewers get an e-mail. One open report per post and
    person: a closed report of the same person is opened again (the table keeps one row per
    post and person)."""
    now = now or utcnow()
    if not policy.can_report_forum_post(reporter, post):
        raise ForumForbidden(_l("You cannot report this post."))
    reason = _checked_reason(reason)
    problem = report_problem(post, reporter)
    if problem is not None:
        raise ForumRefused(problem)
    report = _report_of(post, reporter)
    if report is None:
        report = PostReport(post_id=post.id, reporter_id=reporter.id, created_at=now)
        db.session.add(report)
    else:
        report.created_at = now
        report.resolved_at = None
        report.resolved_by_id = None
    report.reason = reason
    db.session.flush()
    audit.record(
        "forum_post_reported",
        post,
        actor=reporter,
        comment=reason,
        topic_id=post.topic_id,
        report_id=report.id,
    )
    for reviewer in _reviewers():
        mail.queue_mail_to_user(
            reviewer,
            "forum_post_reported",
            post=post,
            topic=post.topic,
            reporter=reporter,
            reason=reason,
        )
    try:
        db.session.commit()
    except IntegrityError:
        # The same person reported the post in the same moment: the first report counts.
        db.session.rollback()
        raise ForumRefused(
            _l("You have already reported this post. The moderators will look at it.")
        ) from None
    return report


def close_report(report: PostReport, moderator: User, *, now: datetime | None = None) -> None:
    """The moderators have looked at a report (and hidden the post, or not)."""
    _require_moderator(moderator)
    if report.resolved_at is not None:
        raise ForumRefused(_l("This report has already been closed."))
    report.resolved_at = now or utcnow()
    report.resolved_by_id = moderator.id
    audit.record(
        "forum_report_closed",
        report,
        actor=moderator,
        post_id=report.post_id,
    )
    db.session.commit()


def _close_open_reports(post: ForumPost, moderator: User, now: datetime) -> int:
    reports = db.session.scalars(
        select(PostReport).where(PostReport.post_id == post.id, PostReport.resolved_at.is_(None))
    ).all()
    for report in reports:
        report.resolved_at = now
        report.resolved_by_id = moderator.id
    return len(reports)


def _reviewers() -> list[User]:
    return db.session.scalars(
        select(User).where(User.role == Role.REVIEWER, User.is_active_account.is_(True))
    ).all()
