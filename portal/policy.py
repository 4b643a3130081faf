"""Who may do what: the single place for authorisation.

Every function takes the user (possibly anonymous) and the object, and checks role, organisation
and state together. Views (403), templates (to show or hide a button) and services call the same
function."""

from portal.models import (
    MINISTRY_ROLES,
    Comment,
    Organisation,
    OrganisationStatus,
    Role,
    SubmissionStatus,
    User,
)


def _authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_ministry(user) -> bool:
    return _authenticated(user) and user.role in MINISTRY_ROLES


def is_admin(user) -> bool:
    return _authenticated(user) and user.role == Role.ADMIN


def is_partner(user) -> bool:
    return _authenticated(user) and user.is_partner


def belongs_to(user, organisation_id: int | None) -> bool:
    return (
        is_partner(user) and organisation_id is not None and user.organisation_id == organisation_id
    )


# --- organisations -----------------------------------------------------------------------------


def can_view_organisation(user, organisation: Organisation) -> bool:
    """The internal organisation page: its own users and the ministry."""
    return is_ministry(user) or belongs_to(user, organisation.id)


def can_manage_organisation(user, organisation: Organisation) -> bool:
    """Edit the profile and the users of an organisation."""
    if is_ministry(user):
        return True
    return belongs_to(user, organisation.id) and user.role == Role.PARTNER_ADMIN


def can_manage_partners(user, organisation: Organisation | None = None) -> bool:
    """Reviewers and admins run the network: applications, agreements, pauses (of any
    organisation, so `organisation` does not change the answer)."""
    return is_ministry(user)


def can_use_members_area(user) -> bool:
    """The members' exchange: active partners and the ministry."""
    if is_ministry(user):
        return True
    return (
        is_partner(user)
        and user.organisation is not None
        and user.organisation.status == OrganisationStatus.ACTIVE
    )


def can_stop_sharing(user, organisation_id: int) -> bool:
    """Stop sharing a good-practice entry: the organisation's own people, at any time."""
    return belongs_to(user, organisation_id)


# --- submissions (concepts and reports) ---------------------------------------------------------


def can_view_submission(user, submission) -> bool:
    return is_ministry(user) or belongs_to(user, submission.organisation_id)


def can_edit(user, submission) -> bool:
    """Partners edit their own drafts and change-requested submissions."""
    return belongs_to(user, submission.organisation_id) and submission.is_editable


def can_submit(user, submission) -> bool:
    return can_edit(user, submission) and user.role == Role.PARTNER_ADMIN


def can_withdraw(user, submission) -> bool:
    return (
        belongs_to(user, submission.organisation_id)
        and user.role == Role.PARTNER_ADMIN
        and submission.status == SubmissionStatus.SUBMITTED
    )


def can_review(user, submission=None) -> bool:
    """Approve, request changes, reopen, comment internally, assign."""
    return is_ministry(user)


def can_view_comment(user, comment: Comment) -> bool:
    """Internal comments never reach partners."""
    if is_ministry(user):
        return True
    return not comment.is_internal


# --- applications (Bewerbung) -------------------------------------------------------------------


def can_apply(user) -> bool:
    """The public application form is for visitors without an account; whoever is logged in
    already has one (a partner's colleagues are invited by their contact person)."""
    return not _authenticated(user)


# --- ministry administration --------------------------------------------------------------------


def can_manage_ministry_accounts(user) -> bool:
    return is_admin(user)


def can_manage_reference_data(user) -> bool:
    """Indicators and fields of action."""
    return is_admin(user)


def can_view_audit_log(user) -> bool:
    return is_admin(user)


def can_view_ministry_dashboard(user) -> bool:
    return is_ministry(user)


# --- manage: an organisation's profile and the people with access -------------------------------


def can_rename_organisation(user, organisation: Organisation | None = None) -> bool:
    """Only the ministry renames an organisation (its public address, the slug, stays)."""
    return is_ministry(user)


def can_see_internal_notes(user, organisation: Organisation | None = None) -> bool:
    """The ministry's internal notes on an organisation never reach a partner."""
    return is_ministry(user)


# --- network: the ministry runs the network ------------------------------------------------------


def can_view_network(user) -> bool:
    """The list of all organisations, whatever their status."""
    return is_ministry(user)


def can_view_organisation_history(user, organisation: Organisation | None = None) -> bool:
    """An organisation's history from the audit log, internal comments included."""
    return is_ministry(user)


def can_create_organisation(user) -> bool:
    """Create an organisation and invite its contact person."""
    return is_ministry(user)


# --- concepts (partner side) ---------------------------------------------------------------------


def _partner_admin_of(user, organisation_id: int | None) -> bool:
    return belongs_to(user, organisation_id) and user.role == Role.PARTNER_ADMIN


def can_start_concept(user, organisation: Organisation) -> bool:
    """Write the first version of the concept: the organisation's partner admin, while the
    organisation takes part (not after it left or was declined). Whether a concept exists already
    is checked by the service."""
    return _partner_admin_of(user, organisation.id) and organisation.status not in (
        OrganisationStatus.LEFT,
        OrganisationStatus.DECLINED,
    )


def can_amend_concept(user, concept) -> bool:
    """Start a new version from the approved concept in force (partner admin). That no unfinished
    newer version exists is checked by the service."""
    return (
        _partner_admin_of(user, concept.organisation_id)
        and concept.status == SubmissionStatus.APPROVED
        and concept.organisation.status
        not in (OrganisationStatus.LEFT, OrganisationStatus.DECLINED)
    )


def can_answer_comments(user, submission) -> bool:
    """Partners of the organisation answer the reviewers' visible comments and write their own;
    the ministry comments on its review page."""
    return belongs_to(user, submission.organisation_id)


# --- reporting cycles (ministry) -----------------------------------------------------------------


def can_manage_cycles(user) -> bool:
    """Open, extend, remind, close and reopen reporting cycles, and see every organisation's
    standing in a cycle."""
    return is_ministry(user)


def home_endpoint(user: User) -> tuple[str, dict]:
    """Where a user lands after login."""
    if is_ministry(user):
        return "review.dashboard", {}
    return "partners.show", {"organisation_id": user.organisation_id}


# --- forum (Erfahrungsaustausch) -----------------------------------------------------------------

# A post can be corrected by its author for this long after it was written.
FORUM_EDIT_MINUTES = 30


def can_use_forum(user) -> bool:
    """Read, start topics, reply, follow: the members' area (active partners, the ministry)."""
    return can_use_members_area(user)


def can_moderate_forum(user) -> bool:
    """Hide and show posts, lock and pin topics, see and close reports: the ministry."""
    return is_ministry(user) and can_use_forum(user)


def can_reply_to_topic(user, topic) -> bool:
    return can_use_forum(user) and not topic.is_locked


def is_own_forum_post(user, post) -> bool:
    return can_use_forum(user) and post.author_id is not None and post.author_id == user.id


def can_edit_forum_post(user, post, now=None) -> bool:
    """Authors correct their own visible posts within FORUM_EDIT_MINUTES, unless the topic is
    locked. Moderators never edit other people's text; they hide it."""
    from datetime import timedelta

    from portal.models import utcnow

    now = now or utcnow()
    return (
        is_own_forum_post(user, post)
        and not post.is_hidden
        and not post.topic.is_locked
        and now - post.created_at <= timedelta(minutes=FORUM_EDIT_MINUTES)
    )


def can_report_forum_post(user, post) -> bool:
    """Partners report other people's posts to the moderators; the ministry hides directly.
    (A post hidden meanwhile is refused by the service with a message.)"""
    return can_use_forum(user) and is_partner(user) and post.author_id != user.id


# --- annual reports (partner side) ---------------------------------------------------------------


def can_view_reports_of(user, organisation: Organisation) -> bool:
    """The list of an organisation's annual reports: its own people and the ministry."""
    return can_view_organisation(user, organisation)


def can_view_report(user, report) -> bool:
    """Read a report, its check page and its print view (drafts included)."""
    return can_view_submission(user, report)


def can_work_on_report(user, report) -> bool:
    """The organisation's people work on its report; whether it can be changed now depends on its
    state (`can_edit_report`). The ministry reads, it never edits."""
    return belongs_to(user, report.organisation_id)


def can_edit_report(user, report) -> bool:
    """Change the report now: the organisation's people, in draft or changes requested."""
    return can_work_on_report(user, report) and report.is_editable


def can_send_report(user, report) -> bool:
    """Submit and withdraw are for the organisation's partner admin (the state is checked by the
    service, which explains a refusal)."""
    return belongs_to(user, report.organisation_id) and user.role == Role.PARTNER_ADMIN


def can_submit_report(user, report) -> bool:
    return can_send_report(user, report) and report.is_editable


def can_withdraw_report(user, report) -> bool:
    """Until a reviewer has decided (approved or asked for changes)."""
    return can_send_report(user, report) and report.status == SubmissionStatus.SUBMITTED


def can_comment_on_report(user, report) -> bool:
    """Partners answer the ministry's visible comments on their report and write their own."""
    return belongs_to(user, report.organisation_id)


# Exposed to templates as `policy.<name>`.
TEMPLATE_FUNCTIONS = {
    name: obj
    for name, obj in dict(globals()).items()
    if callable(obj) and (name.startswith("can_") or name.startswith("is_"))
}
