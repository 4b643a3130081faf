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


def home_endpoint(user: User) -> tuple[str, dict]:
    """Where a user lands after login."""
    if is_ministry(user):
        return "review.dashboard", {}
    return "partners.show", {"organisation_id": user.organisation_id}


# Exposed to templates as `policy.<name>`.
TEMPLATE_FUNCTIONS = {
    name: obj
    for name, obj in dict(globals()).items()
    if callable(obj) and (name.startswith("can_") or name.startswith("is_"))
}
