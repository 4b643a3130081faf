"""Human labels (translated) for the enum values shown in the UI."""

from flask_babel import lazy_gettext as _l

from portal.models import (
    EmployeeBand,
    MeasureStatus,
    OrganisationStatus,
    Role,
    Sector,
    SubmissionStatus,
)

LABELS = (
    (Role.PARTNER_EDITOR, _l("Partner editor")),
    (Role.PARTNER_ADMIN, _l("Partner admin")),
    (Role.REVIEWER, _l("Reviewer (ministry)")),
    (Role.ADMIN, _l("Administrator (ministry)")),
    (OrganisationStatus.APPLICANT, _l("Applicant")),
    (OrganisationStatus.ACTIVE, _l("Active partner")),
    (OrganisationStatus.PAUSED, _l("Partnership paused")),
    (OrganisationStatus.LEFT, _l("Partnership ended")),
    (OrganisationStatus.DECLINED, _l("Application declined")),
    (Sector.AUTHORITY, _l("Public authority")),
    (Sector.ASSOCIATION, _l("Association")),
    (Sector.COMPANY, _l("Company")),
    (SubmissionStatus.DRAFT, _l("Draft")),
    (SubmissionStatus.SUBMITTED, _l("Submitted")),
    (SubmissionStatus.CHANGES_REQUESTED, _l("Changes requested")),
    (SubmissionStatus.APPROVED, _l("Approved")),
    (MeasureStatus.NOT_STARTED, _l("Not started")),
    (MeasureStatus.IN_PROGRESS, _l("In progress")),
    (MeasureStatus.COMPLETED, _l("Completed")),
    (MeasureStatus.PAUSED, _l("Paused")),
    (MeasureStatus.DROPPED, _l("Dropped")),
    (EmployeeBand.UP_TO_49, _l("1 to 49 employees")),
    (EmployeeBand.UP_TO_249, _l("50 to 249 employees")),
    (EmployeeBand.UP_TO_999, _l("250 to 999 employees")),
    (EmployeeBand.UP_TO_4999, _l("1,000 to 4,999 employees")),
    (EmployeeBand.FROM_5000, _l("5,000 employees or more")),
)

# Badge variants: the text always says the state; the colour only repeats it.
BADGE_KINDS = (
    (OrganisationStatus.ACTIVE, "success"),
    (OrganisationStatus.APPLICANT, "info"),
    (OrganisationStatus.PAUSED, "warning"),
    (OrganisationStatus.LEFT, "neutral"),
    (OrganisationStatus.DECLINED, "neutral"),
    (SubmissionStatus.DRAFT, "neutral"),
    (SubmissionStatus.SUBMITTED, "info"),
    (SubmissionStatus.CHANGES_REQUESTED, "warning"),
    (SubmissionStatus.APPROVED, "success"),
)


# StrEnum members of different enums with the same value ("paused") are equal and hash alike,
# so the tables are looked up by (enum class, value).
_LABELS = {(type(member), member.value): text for member, text in LABELS}
_BADGE_KINDS = {(type(member), member.value): kind for member, kind in BADGE_KINDS}


def label(value) -> str:
    if value is None:
        return ""
    return str(_LABELS.get((type(value), getattr(value, "value", value)), value))


def badge_kind(value) -> str:
    return _BADGE_KINDS.get((type(value), getattr(value, "value", value)), "info")
