"""The submission state machine shared by concepts and reports (DESIGN.md §4).

The transitions are data (TRANSITIONS); `apply_transition` is the one function that changes a
submission's status: it checks the transition is allowed for the state, the role and the
organisation, sets status and time stamps, records the comment and the audit entry, queues the
e-mails, and commits — all in one transaction."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import audit, mail
from portal.extensions import db
from portal.models import (
    MINISTRY_ROLES,
    Comment,
    Role,
    SubmissionStatus,
    User,
    utcnow,
)

S = SubmissionStatus


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[SubmissionStatus]
    target: SubmissionStatus
    roles: frozenset[Role]
    comment_required: bool = False
    # Who hears about it by e-mail: "partner" (the organisation's users) or "ministry".
    notify: str = "ministry"
    label: object = ""


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(
            "submit",
            frozenset({S.DRAFT, S.CHANGES_REQUESTED}),
            S.SUBMITTED,
            frozenset({Role.PARTNER_ADMIN}),
            notify="ministry",
            label=_l("Submit"),
        ),
        Transition(
            "withdraw",
            frozenset({S.SUBMITTED}),
            S.DRAFT,
            frozenset({Role.PARTNER_ADMIN}),
            notify="ministry",
            label=_l("Withdraw"),
        ),
        Transition(
            "approve",
            frozenset({S.SUBMITTED}),
            S.APPROVED,
            MINISTRY_ROLES,
            notify="partner",
            label=_l("Approve"),
        ),
        Transition(
            "request_changes",
            frozenset({S.SUBMITTED}),
            S.CHANGES_REQUESTED,
            MINISTRY_ROLES,
            comment_required=True,
            notify="partner",
            label=_l("Request changes"),
        ),
        Transition(
            "reopen",
            frozenset({S.APPROVED}),
            S.CHANGES_REQUESTED,
            MINISTRY_ROLES,
            comment_required=True,
            notify="partner",
            label=_l("Reopen"),
        ),
    )
}


class TransitionError(Exception):
    """The transition is not allowed; `reason` is a message for the user."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason


def allowed_actions(user: User, submission) -> list[Transition]:
    """The transitions this user may apply to this submission now (for buttons)."""
    return [t for t in TRANSITIONS.values() if _refusal(user, submission, t) is None]


def _refusal(user: User, submission, transition: Transition):
    if user is None or not user.is_authenticated:
        return _l("Please log in.")
    if user.role not in transition.roles:
        return _l("Your role does not allow this step.")
    if user.role not in MINISTRY_ROLES and user.organisation_id != submission.organisation_id:
        return _l("This belongs to another organisation.")
    if submission.status not in transition.sources:
        return _l("This step is not possible in the current state.")
    return None


def apply_transition(
    submission,
    action: str,
    actor: User,
    comment: str = "",
    *,
    internal_comment: bool = False,
    completeness_check=None,
):
    """Apply one transition and commit. Raises TransitionError and changes nothing if refused.

    `completeness_check(submission)` returns a list of problems; a non-empty list refuses submit."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionError(_l("Unknown step."))
    reason = _refusal(actor, submission, transition)
    if reason is not None:
        raise TransitionError(reason)
    comment = (comment or "").strip()
    if transition.comment_required and not comment:
        raise TransitionError(_l("Please give a reason in the comment."))
    if internal_comment and actor.role not in MINISTRY_ROLES:
        raise TransitionError(_l("Only ministry staff can write internal comments."))
    if action == "submit" and completeness_check is not None:
        problems = completeness_check(submission)
        if problems:
            raise TransitionError(_l("The submission is not complete yet."))

    source = submission.status
    now = utcnow()
    # What was submitted, so a resubmission can show what changed (portal.review.snapshots);
    # imported here because portal.review imports this module.
    from portal.review import snapshots

    snapshot = snapshots.take(submission) if action == "submit" else None
    submission.status = transition.target
    submission.status_changed_at = now
    if transition.target == S.SUBMITTED:
        submission.submitted_at = now
    elif transition.target == S.APPROVED:
        submission.approved_at = now
    elif transition.target == S.CHANGES_REQUESTED:
        submission.changes_requested_at = now

    if comment:
        db.session.add(
            Comment(
                body=comment,
                is_internal=internal_comment,
                author_id=actor.id,
                **{f"{submission.subject_type}_id": submission.id},
            )
        )
    audit.record(
        action,
        submission,
        actor=actor,
        from_state=source.value,
        to_state=transition.target.value,
        # Internal comments stay out of the partner-facing part of the log.
        comment="" if internal_comment else comment,
        internal_comment=comment if internal_comment else None,
        **({snapshots.SNAPSHOT_KEY: snapshot} if snapshot else {}),
    )
    _queue_notifications(submission, transition, actor, "" if internal_comment else comment)
    db.session.commit()
    return submission


def _queue_notifications(submission, transition: Transition, actor: User, comment: str) -> None:
    if transition.notify == "partner":
        recipients = db.session.scalars(
            select(User).where(
                User.organisation_id == submission.organisation_id,
                User.is_active_account.is_(True),
                User.password_hash.is_not(None),
            )
        ).all()
    elif submission.assigned_reviewer is not None and submission.assigned_reviewer.is_active:
        recipients = [submission.assigned_reviewer]
    else:
        recipients = db.session.scalars(
            select(User).where(User.role == Role.REVIEWER, User.is_active_account.is_(True))
        ).all()
    for recipient in recipients:
        if recipient.id == actor.id:
            continue
        mail.queue_mail_to_user(
            recipient,
            "submission_transition",
            submission=submission,
            action=transition.action,
            actor=actor,
            comment=comment,
        )
