"""An organisation's history for the ministry: its audit log entries in words.

`ACTION_LABELS` says each audit action in both languages; an action without a label is shown by
its key, so a new action never breaks the page. The entries come from one query whatever their
number: the actor, the account, the concept version and the report's year are joined in SQL."""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased

from portal.extensions import db
from portal.labels import label
from portal.models import (
    AuditEntry,
    Concept,
    OrganisationStatus,
    Report,
    ReportingCycle,
    Role,
    SubmissionStatus,
    User,
)

ACTION_LABELS = {
    # the partnership
    "application_received": _l("Application received"),
    "organisation_created": _l("Organisation created by the ministry"),
    "agreement_recorded": _l("Partnership agreement recorded"),
    "partnership_pause": _l("Partnership paused"),
    "partnership_resume": _l("Partnership resumed"),
    "partnership_end": _l("Partnership ended"),
    "partnership_decline": _l("Application declined"),
    "profile_updated": _l("Profile updated"),
    "organisation_profile_updated": _l("Organisation's profile updated"),
    # people with access
    "user_invited": _l("Person invited"),
    "user_created": _l("Account created"),
    "invitation_accepted": _l("Invitation accepted"),
    "email_confirmed": _l("E-mail address confirmed"),
    "role_changed": _l("Role changed"),
    "user_role_changed": _l("Role changed"),
    "contact_person_set": _l("Named as contact person"),
    "contact_person_removed": _l("No longer contact person"),
    "invitation_renewed": _l("Invitation sent again"),
    "confirmation_resent": _l("New confirmation link sent"),
    "user_deactivated": _l("Account deactivated"),
    "user_reactivated": _l("Account reactivated"),
    "password_changed": _l("Password changed"),
    "password_reset_requested": _l("New password requested"),
    "password_reset": _l("Password reset"),
    "account_locked": _l("Account locked after failed logins"),
    # concepts and reports
    "submit": _l("Submitted"),
    "withdraw": _l("Withdrawn"),
    "approve": _l("Approved"),
    "request_changes": _l("Changes requested"),
    "reopen": _l("Reopened"),
    "comment_added": _l("Comment written"),
    "concept_amended": _l("New concept version started"),
    "concept_started": _l("Concept started"),
    "measure_added": _l("Measure added"),
    "measure_removed": _l("Measure removed"),
    "assigned": _l("Assigned to a reviewer"),
    "reminder_sent": _l("Reminder sent"),
    # reporting cycles and the members' area
    "cycle_opened": _l("Reporting cycle opened"),
    "cycle_extended": _l("Due date extended"),
    "cycle_reopened": _l("Reporting cycle reopened for the organisation"),
    "cycle_closed": _l("Reporting cycle closed"),
    "cycle_reminders_sent": _l("Reminders about the annual report sent"),
    "good_practice_unshared": _l("Good-practice entry no longer shared"),
    "forum_post_hidden": _l("Forum post hidden by the moderators"),
    "forum_post_unhidden": _l("Forum post shown again"),
}

# Logins would bury the changes that matter; the admins' audit log keeps them.
# Saves of a report draft ("report_saved", for conflict detection) would too.
HIDDEN_ACTIONS = ("login", "report_saved")


def action_label(action: str) -> str:
    text = ACTION_LABELS.get(action)
    return str(text) if text is not None else action


def state_label(object_type: str, value: str | None) -> str:
    """A status written in the log as a string, in words: organisation or submission status."""
    if not value:
        return ""
    enum = {
        "organisation": OrganisationStatus,
        "concept": SubmissionStatus,
        "report": SubmissionStatus,
    }.get(object_type)
    if enum is None:
        return value
    try:
        return label(enum(value))
    except ValueError:
        return value


@dataclass(frozen=True)
class HistoryItem:
    """One line of the history as the page shows it."""

    created_at: datetime
    actor_name: str | None
    actor_is_ministry: bool
    action: str
    action_label: str
    subject: str
    from_label: str
    to_label: str
    comment: str
    internal_comment: str
    effective_on: date | None


def _subject(object_type: str, account_name, concept_version, report_year) -> str:
    if object_type == "concept" and concept_version is not None:
        return str(_l("Concept, version %(n)s", n=concept_version))
    if object_type == "concept":
        return str(_l("Concept"))
    if object_type == "report" and report_year is not None:
        return str(_l("Annual report %(year)s", year=report_year))
    if object_type == "report":
        return str(_l("Annual report"))
    if object_type == "user" and account_name:
        return str(_l("Account of %(name)s", name=account_name))
    if object_type == "organisation":
        return str(_l("Organisation"))
    return object_type


def history_statement(organisation_id: int) -> Select:
    """The organisation's entries, newest first, each with what is needed to say it in words."""
    actor = aliased(User)
    account = aliased(User)
    return (
        select(
            AuditEntry,
            actor.name,
            actor.role,
            account.name,
            Concept.version_number,
            ReportingCycle.year,
        )
        .outerjoin(actor, AuditEntry.actor_id == actor.id)
        .outerjoin(
            account, and_(AuditEntry.object_type == "user", AuditEntry.object_id == account.id)
        )
        .outerjoin(
            Concept, and_(AuditEntry.object_type == "concept", AuditEntry.object_id == Concept.id)
        )
        .outerjoin(
            Report, and_(AuditEntry.object_type == "report", AuditEntry.object_id == Report.id)
        )
        .outerjoin(ReportingCycle, Report.cycle_id == ReportingCycle.id)
        .where(
            AuditEntry.organisation_id == organisation_id,
            AuditEntry.action.not_in(HIDDEN_ACTIONS),
        )
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    )


def _date_or_none(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def history_item(row) -> HistoryItem:
    entry, actor_name, actor_role, account_name, concept_version, report_year = row
    data = entry.data or {}
    return HistoryItem(
        created_at=entry.created_at,
        actor_name=actor_name,
        actor_is_ministry=actor_role in (Role.REVIEWER, Role.ADMIN),
        action=entry.action,
        action_label=action_label(entry.action),
        subject=_subject(entry.object_type, account_name, concept_version, report_year),
        from_label=state_label(entry.object_type, entry.from_state),
        to_label=state_label(entry.object_type, entry.to_state),
        comment=entry.comment or "",
        internal_comment=data.get("internal_comment") or "",
        effective_on=_date_or_none(data.get("effective_on")),
    )


def latest_history(organisation_id: int, limit: int = 20) -> list[HistoryItem]:
    """The newest entries for the organisation page; one query."""
    rows = db.session.execute(history_statement(organisation_id).limit(limit)).all()
    return [history_item(row) for row in rows]


def history_size(organisation_id: int) -> int:
    return db.session.scalar(
        select(func.count(AuditEntry.id)).where(
            AuditEntry.organisation_id == organisation_id,
            AuditEntry.action.not_in(HIDDEN_ACTIONS),
        )
    )
