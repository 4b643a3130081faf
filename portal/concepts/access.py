"""Loading what a concepts route works on: 404 when it does not exist, 403 when the policy says
no. Shared by the read views and the edit views."""

from flask import abort
from flask_login import current_user

from portal import policy
from portal.extensions import db
from portal.models import Concept, Measure, Organisation, Role


def organisation_or_404(organisation_id: int, check=policy.can_view_organisation) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    if not check(current_user, organisation):
        abort(403)
    return organisation


def concept_or_404(concept_id: int, check=policy.can_view_submission) -> Concept:
    concept = db.session.get(Concept, concept_id) or abort(404)
    if not check(current_user, concept):
        abort(403)
    return concept


def require_partner_admin(organisation_id: int) -> None:
    """Start, amend, submit and withdraw belong to the organisation's partner admin: anyone else
    gets 403; the partner admin gets a clear message when the state does not allow the step."""
    if not (
        policy.belongs_to(current_user, organisation_id) and current_user.role == Role.PARTNER_ADMIN
    ):
        abort(403)


def require_partner(organisation_id: int) -> None:
    """Editing belongs to the organisation's own people; the ministry reads but never edits."""
    if not policy.belongs_to(current_user, organisation_id):
        abort(403)


def measure_in(concept: Concept, measure_id: int) -> Measure | None:
    measure = db.session.get(Measure, measure_id)
    if measure is None or measure.concept_id != concept.id:
        return None
    return measure
