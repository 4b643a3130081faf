"""Comments on concepts and reports, shared by the partner's and the ministry's pages.

The one rule that matters most lives here: internal comments (and answers to them) never reach a
partner. Every page that lists comments gets them from `comments_for`, which filters by the
viewer through `policy.can_view_comment`."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import audit, mail, policy
from portal.extensions import db
from portal.models import MINISTRY_ROLES, Comment, Role, User

MAX_COMMENT_LENGTH = 5000


class CommentRefused(Exception):
    """The comment cannot be written; `reason` is for the user."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason


@dataclass
class Thread:
    """A comment and the answers to it, oldest first."""

    comment: Comment
    answers: list[Comment] = field(default_factory=list)


def _subject_filter(submission):
    return getattr(Comment, f"{submission.subject_type}_id") == submission.id


def comments_for(submission, viewer) -> list[Thread]:
    """The threads of comments on a submission this viewer may read; one query."""
    comments = db.session.scalars(
        select(Comment)
        .where(_subject_filter(submission))
        .order_by(Comment.created_at, Comment.id)
        .options(selectinload(Comment.author))
    ).all()
    visible = [c for c in comments if policy.can_view_comment(viewer, c)]
    threads: dict[int, Thread] = {}
    for comment in visible:
        if comment.reply_to_id is None:
            threads[comment.id] = Thread(comment)
    for comment in visible:
        if comment.reply_to_id is not None and comment.reply_to_id in threads:
            threads[comment.reply_to_id].answers.append(comment)
    return list(threads.values())


def add_comment(
    submission,
    author: User,
    body: str,
    *,
    internal: bool = False,
    measure_lineage_id: str | None = None,
    reply_to: Comment | None = None,
) -> Comment:
    """Write a comment or an answer, record it in the audit log, tell the other side by e-mail
    (never for internal comments); commits."""
    body = (body or "").strip()
    if not body:
        raise CommentRefused(_l("Please write a comment."))
    if len(body) > MAX_COMMENT_LENGTH:
        raise CommentRefused(
            _l("Please shorten the comment to %(n)s characters.", n=MAX_COMMENT_LENGTH)
        )
    from_ministry = author.role in MINISTRY_ROLES
    if not from_ministry and not policy.belongs_to(author, submission.organisation_id):
        raise CommentRefused(_l("This belongs to another organisation."))
    if internal and not from_ministry:
        raise CommentRefused(_l("Only ministry staff can write internal comments."))
    if reply_to is not None:
        if getattr(reply_to, f"{submission.subject_type}_id") != submission.id:
            raise CommentRefused(_l("This comment belongs to another submission."))
        if not policy.can_view_comment(author, reply_to):
            raise CommentRefused(_l("This comment belongs to another submission."))
        # Answers belong to the thread: the same measure, and internal stays internal.
        reply_to = reply_to if reply_to.reply_to_id is None else reply_to.reply_to
        internal = internal or reply_to.is_internal
        measure_lineage_id = reply_to.measure_lineage_id
    comment = Comment(
        body=body,
        is_internal=internal,
        author_id=author.id,
        measure_lineage_id=measure_lineage_id,
        reply_to_id=reply_to.id if reply_to is not None else None,
        **{f"{submission.subject_type}_id": submission.id},
    )
    db.session.add(comment)
    db.session.flush()
    audit.record(
        "comment_added",
        submission,
        actor=author,
        comment="" if internal else body,
        internal_comment=body if internal else None,
        comment_id=comment.id,
    )
    if not internal:
        for recipient in _other_side(submission, author):
            mail.queue_mail_to_user(
                recipient, "comment_added", submission=submission, comment=comment, author=author
            )
    db.session.commit()
    return comment


def _other_side(submission, author: User) -> list[User]:
    """Who hears about a visible comment: the organisation's people when the ministry writes;
    the assigned reviewer (or all reviewers) when the partner writes."""
    if author.role in MINISTRY_ROLES:
        return db.session.scalars(
            select(User).where(
                User.organisation_id == submission.organisation_id,
                User.is_active_account.is_(True),
                User.password_hash.is_not(None),
            )
        ).all()
    reviewer = submission.assigned_reviewer
    if reviewer is not None and reviewer.is_active:
        return [reviewer]
    return db.session.scalars(
        select(User).where(User.role == Role.REVIEWER, User.is_active_account.is_(True))
    ).all()
