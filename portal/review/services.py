"""Write operations of the ministry's review: assign a submission, comment, decide.

Decisions go through `portal.workflow.apply_transition` and comments through
`portal.comments.add_comment`; this module adds the review's own rules (reopen only the newest
version of a concept, send a report back only while its cycle takes submissions, assign only to
active ministry accounts) and turns every refusal into ReviewRefused, whose `reason` the page
shows with status 409."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.orm.exc import StaleDataError

from portal import audit, comments, mail, workflow
from portal.extensions import db
from portal.models import MINISTRY_ROLES, Comment, Concept, Report, User
from portal.reports.cycles import accepts_submissions
from portal.review import queries

DECISIONS = ("approve", "request_changes", "reopen")


class ReviewRefused(Exception):
    """The step is not possible (any more); `reason` is for the user."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason


def _quiet_update(submission, **values) -> None:
    """Change review columns without bumping the optimistic-lock version: assigning a reviewer
    must not make a partner's open edit form fail with a conflict. `updated_at` (the partner's
    "last change") stays as it was."""
    model = type(submission)
    db.session.execute(
        update(model)
        .where(model.id == submission.id)
        .values(updated_at=model.updated_at, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(submission, [*values, "updated_at"])


def assign(submission, reviewer_id: int, actor: User) -> User:
    """Assign the submission to an active ministry account (the actor or a colleague); audit
    entry, e-mail to a colleague; commits. Returns the reviewer."""
    reviewer = db.session.get(User, reviewer_id) if reviewer_id else None
    if (
        reviewer is None
        or reviewer.role not in MINISTRY_ROLES
        or not reviewer.is_active
        or not reviewer.password_hash
    ):
        raise ReviewRefused(_l("Please choose an active reviewer from the list."))
    previous_id = submission.assigned_reviewer_id
    if previous_id == reviewer.id:
        return reviewer
    _quiet_update(submission, assigned_reviewer_id=reviewer.id)
    audit.record(
        "assigned",
        submission,
        actor=actor,
        reviewer_id=reviewer.id,
        previous_reviewer_id=previous_id,
    )
    if reviewer.id != actor.id:
        mail.queue_mail_to_user(reviewer, "review_assigned", submission=submission, actor=actor)
    db.session.commit()
    return reviewer


def decide(concept: Concept, action: str, actor: User, comment: str = "") -> Concept:
    """Approve, request changes or reopen, through the workflow; commits. Refusals (wrong state,
    a newer version exists, someone else was quicker) raise ReviewRefused and change nothing."""
    if action not in DECISIONS:
        raise ReviewRefused(_l("Please choose a decision."))
    if action == "reopen" and queries.newer_version_exists(concept):
        raise ReviewRefused(
            _l(
                "This version cannot be reopened: the organisation has already started a newer "
                "version of its concept. Comment on the newer version instead."
            )
        )
    try:
        return workflow.apply_transition(concept, action, actor, comment)
    except workflow.TransitionError as refused:
        db.session.rollback()
        raise ReviewRefused(_state_changed_reason(refused)) from None
    except StaleDataError:
        # The partner withdrew, or a colleague decided, between loading and saving.
        db.session.rollback()
        raise ReviewRefused(
            _l(
                "Someone else changed this concept in the meantime, so your decision was not "
                "saved. Please check its current state below."
            )
        ) from None


def _state_changed_reason(refused: workflow.TransitionError):
    return _l(
        "This decision is not possible in the concept's current state. Someone else may have "
        "decided already, or the partner has withdrawn the concept. (%(reason)s)",
        reason=refused.reason,
    )


def comment(
    concept: Concept,
    author: User,
    body: str,
    *,
    internal: bool,
    measure_lineage_id: str | None = None,
    reply_to_id: int | None = None,
) -> Comment:
    """A reviewer's comment on the concept, on one of its measures, or an answer; commits."""
    if measure_lineage_id and measure_lineage_id not in {m.lineage_id for m in concept.measures}:
        raise ReviewRefused(_l("This measure is not part of this version of the concept."))
    return _add_comment(concept, author, body, internal, measure_lineage_id, reply_to_id)


def _add_comment(submission, author, body, internal, measure_lineage_id, reply_to_id) -> Comment:
    reply_to = None
    if reply_to_id is not None:
        reply_to = db.session.get(Comment, reply_to_id)
        subject_id = getattr(reply_to, f"{submission.subject_type}_id", None)
        if reply_to is None or subject_id != submission.id:
            raise ReviewRefused(_l("The comment you are answering no longer exists."))
    try:
        return comments.add_comment(
            submission,
            author,
            body,
            internal=internal,
            measure_lineage_id=measure_lineage_id or None,
            reply_to=reply_to,
        )
    except comments.CommentRefused as refused:
        db.session.rollback()
        raise ReviewRefused(refused.reason) from None


# --- annual reports -----------------------------------------------------------------------------


def comment_on_report(
    report: Report,
    author: User,
    body: str,
    *,
    internal: bool,
    measure_lineages: set[str],
    measure_lineage_id: str | None = None,
    reply_to_id: int | None = None,
) -> Comment:
    """A reviewer's comment on the report, on the progress of one of its measures (one of
    `measure_lineages`, the measures the report shows), or an answer; commits."""
    if measure_lineage_id and measure_lineage_id not in measure_lineages:
        raise ReviewRefused(_l("This measure is not part of this report."))
    return _add_comment(report, author, body, internal, measure_lineage_id, reply_to_id)


def sends_back_possible(report: Report) -> bool:
    """Whether the report may go back to the organisation (request changes, reopen): only while
    its cycle takes submissions from the organisation, or the revised report could never be
    submitted."""
    return accepts_submissions(report.cycle, report.organisation_id)


def decide_report(report: Report, action: str, actor: User, comment: str = "") -> Report:
    """Approve, request changes or reopen an annual report, through the workflow (which records
    the comment and e-mails the organisation); commits. Refusals raise ReviewRefused and change
    nothing."""
    if action not in DECISIONS:
        raise ReviewRefused(_l("Please choose a decision."))
    if action in ("request_changes", "reopen") and not sends_back_possible(report):
        raise ReviewRefused(
            _l(
                "The reporting cycle %(year)s is closed, so the organisation could not submit a "
                "revised report. To send the report back, first reopen the cycle for this "
                "organisation on the cycle overview.",
                year=report.cycle.year,
            )
        )
    try:
        return workflow.apply_transition(report, action, actor, comment)
    except workflow.TransitionError as refused:
        db.session.rollback()
        raise ReviewRefused(
            _l(
                "This decision is not possible in the report's current state. Someone else may "
                "have decided already, or the organisation has withdrawn the report. "
                "(%(reason)s)",
                reason=refused.reason,
            )
        ) from None
    except StaleDataError:
        db.session.rollback()
        raise ReviewRefused(
            _l(
                "Someone else changed this report in the meantime, so your decision was not "
                "saved. Please check its current state below."
            )
        ) from None
