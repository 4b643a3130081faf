"""Services of the partners blueprint: the organisation overview, the partnership agreement,
and the changes of a partnership (pause, resume, end; decline an application)."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from portal import audit, mail
from portal.extensions import db
from portal.models import (
    Agreement,
    Concept,
    Measure,
    Organisation,
    OrganisationStatus,
    Report,
    ReportingCycle,
    Role,
    SubmissionStatus,
    Upload,
    User,
    utcnow,
)
from portal.reports.cycles import create_reports_for_new_partner


def organisation_overview(organisation: Organisation) -> dict:
    """What the organisation page shows, in a fixed number of queries."""
    users = db.session.scalars(
        select(User).where(User.organisation_id == organisation.id).order_by(User.name)
    ).all()
    concepts = db.session.scalars(
        select(Concept)
        .where(Concept.organisation_id == organisation.id)
        .order_by(Concept.version_number.desc())
        .options(selectinload(Concept.measures).selectinload(Measure.field_of_action))
    ).all()
    in_force = next((c for c in concepts if c.status == SubmissionStatus.APPROVED), None)
    # The cycles come with their reports (contains_eager): `report.cycle` needs no query.
    reports = db.session.scalars(
        select(Report)
        .join(Report.cycle)
        .where(Report.organisation_id == organisation.id)
        .order_by(ReportingCycle.year.desc())
        .options(contains_eager(Report.cycle))
    ).all()
    return {
        "users": users,
        "concepts": concepts,
        "concept_in_force": in_force,
        "reports": list(reports),
    }


# --- the partnership agreement ------------------------------------------------------------------


class PartnershipRefused(Exception):
    """An agreement or a change of the partnership is not possible; `reason` is for the user."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason


def next_member_number() -> int:
    """The next member number: one more than the highest ever given (numbers are never reused)."""
    highest = db.session.scalar(select(func.max(Organisation.member_number)))
    return (highest or 0) + 1


def record_agreement(
    organisation: Organisation,
    *,
    signed_on,
    ministry_signatory: str,
    organisation_signatory: str,
    signed_pdf,
    actor: User,
    attempts: int = 10,
) -> Organisation:
    """Record the signed agreement: the organisation gets the next member number and becomes an
    active partner. One transaction; commits.

    Member numbers are unique by a database constraint; when two reviewers record agreements at
    the same moment, the loser's transaction fails on that constraint and is retried with the
    next number, so the numbers stay gapless."""
    organisation_id = organisation.id
    for attempt in range(attempts):
        try:
            organisation = _apply_agreement(
                organisation_id,
                signed_on,
                ministry_signatory,
                organisation_signatory,
                signed_pdf,
                actor,
            )
            db.session.commit()
            return organisation
        except IntegrityError:
            # Another agreement took this number first (the flush may come from any query).
            db.session.rollback()
            if signed_pdf is not None:
                signed_pdf = _readd(signed_pdf)
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def _apply_agreement(
    organisation_id, signed_on, ministry_signatory, organisation_signatory, signed_pdf, actor
) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    check_agreement_allowed(organisation)
    organisation.member_number = next_member_number()
    organisation.status = OrganisationStatus.ACTIVE
    organisation.member_since = signed_on
    organisation.status_changed_at = utcnow()
    organisation.status_reason = ""
    organisation.agreement = Agreement(
        signed_on=signed_on,
        ministry_signatory=ministry_signatory,
        organisation_signatory=organisation_signatory,
        signed_pdf=signed_pdf,
        recorded_by_id=actor.id,
    )
    audit.record(
        "agreement_recorded",
        organisation,
        actor=actor,
        organisation_id=organisation.id,
        from_state=OrganisationStatus.APPLICANT.value,
        to_state=OrganisationStatus.ACTIVE.value,
        member_number=organisation.member_number,
        signed_on=signed_on.isoformat(),
    )
    for admin in _partner_admins(organisation.id):
        mail.queue_mail_to_user(admin, "agreement_recorded", organisation=organisation)
    # A partner joining while a reporting cycle is open gets its report at once.
    db.session.flush()
    create_reports_for_new_partner(organisation)
    return organisation


def _readd(upload: Upload) -> Upload:
    """After a rollback the upload row is gone; add it again (the file is still stored)."""
    return Upload(
        organisation_id=upload.organisation_id,
        uploaded_by_id=upload.uploaded_by_id,
        filename=upload.filename,
        content_type=upload.content_type,
        size_bytes=upload.size_bytes,
        sha256=upload.sha256,
        storage_key=upload.storage_key,
    )


def check_agreement_allowed(organisation: Organisation) -> None:
    """Raise PartnershipRefused unless the organisation is an applicant with an approved concept."""
    if organisation.status != OrganisationStatus.APPLICANT:
        raise PartnershipRefused(_l("An agreement can only be recorded for an applicant."))
    approved = db.session.scalar(
        select(Concept.id).where(
            Concept.organisation_id == organisation.id,
            Concept.status == SubmissionStatus.APPROVED,
        )
    )
    if approved is None:
        raise PartnershipRefused(
            _l("The organisation's concept must be approved before the agreement is recorded.")
        )


def _partner_admins(organisation_id: int) -> list[User]:
    return db.session.scalars(
        select(User).where(
            User.organisation_id == organisation_id,
            User.role == Role.PARTNER_ADMIN,
            User.is_active_account.is_(True),
        )
    ).all()


# --- pause, resume and end a partnership -------------------------------------------------------

S_ = OrganisationStatus

# action: (from which statuses, to which status, reason required)
PARTNERSHIP_CHANGES = {
    "pause": (frozenset({S_.ACTIVE}), S_.PAUSED, True),
    "resume": (frozenset({S_.PAUSED}), S_.ACTIVE, False),
    "end": (frozenset({S_.ACTIVE, S_.PAUSED}), S_.LEFT, True),
    # An application that will not lead to a partnership; the organisation gets no number.
    "decline": (frozenset({S_.APPLICANT}), S_.DECLINED, True),
}


def possible_partnership_changes(organisation: Organisation) -> list[str]:
    return [
        action
        for action, (sources, _target, _reason) in PARTNERSHIP_CHANGES.items()
        if organisation.status in sources
    ]


def change_partnership(
    organisation: Organisation, action: str, *, effective_on=None, reason: str, actor: User
) -> Organisation:
    """Pause, resume or end a partnership, with date and reason, or decline an application
    with a reason; commits. The member number stays with the organisation for good and is never
    given again. A decline takes effect today unless `effective_on` says otherwise."""
    if action not in PARTNERSHIP_CHANGES:
        raise PartnershipRefused(_l("Unknown step."))
    sources, target, reason_required = PARTNERSHIP_CHANGES[action]
    if organisation.status not in sources:
        raise PartnershipRefused(_l("This step is not possible in the current state."))
    reason = (reason or "").strip()
    if reason_required and not reason:
        raise PartnershipRefused(_l("Please give a reason."))
    if effective_on is None:
        if action != "decline":
            raise PartnershipRefused(_l("Please enter the date."))
        effective_on = date.today()
    source = organisation.status
    organisation.status = target
    organisation.status_changed_at = utcnow()
    organisation.status_reason = reason
    audit.record(
        f"partnership_{action}",
        organisation,
        actor=actor,
        organisation_id=organisation.id,
        from_state=source.value,
        to_state=target.value,
        comment=reason,
        effective_on=effective_on.isoformat(),
    )
    for admin in _partner_admins(organisation.id):
        mail.queue_mail_to_user(
            admin,
            "partnership_changed",
            organisation=organisation,
            action=action,
            effective_on=effective_on,
            reason=reason,
        )
    db.session.commit()
    return organisation
