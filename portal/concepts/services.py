"""Write operations of the partner's side of the concept: start, amend, edit sections and
measures, submit, withdraw. Each function checks the policy and the state, changes what it must,
writes the audit entry and commits once.

No lost work (optimistic locking). Every edit form carries the concept's `lock_version` and a
digest of the text the form was opened with. A save whose lock_version is current goes through
(SQLAlchemy's version check on the concept row catches a save that slips in between). When the
lock_version is older, the save is refused with EditConflict only if someone else changed the
very text being saved (its digest differs), so two people can work on different measures at once.
Every change of the content bumps the concept's lock_version: a partner admin who checked the
concept submits exactly what was checked."""

import hashlib
import json
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from portal import audit, policy, workflow
from portal.concepts import queries
from portal.concepts.completeness import missing_answers
from portal.extensions import db
from portal.labels import label
from portal.models import Concept, Measure, Organisation, Role, User, utcnow

SECTION_NAMES = ("initial_situation", "goals", "steering")
MEASURE_NAMES = (
    "field_of_action_id",
    "title",
    "description",
    "target_group",
    "indicator_id",
    "indicator_text",
    "baseline",
    "target_value",
    "target_year",
    "start_date",
    "end_date",
    "responsible_unit",
    "share_as_good_practice",
)


class ConceptRefused(Exception):
    """The step is not possible (state, role, organisation); `reason` is for the user."""

    def __init__(self, reason, problems=None):
        super().__init__(str(reason))
        self.reason = reason
        self.problems = problems or []


class EditConflict(Exception):
    """Someone else saved the same text since the user's form was opened. Nothing was changed;
    the caller reloads the concept to show the saved text next to the user's."""


# --- digests -------------------------------------------------------------------------------------


def _plain(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def digest(values: dict) -> str:
    """A short fingerprint of stored values: unchanged text gives the same digest."""
    normalised = {key: _plain(value) for key, value in sorted(values.items())}
    text = json.dumps(normalised, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def sections_of(concept: Concept) -> dict:
    return {name: getattr(concept, name) or "" for name in SECTION_NAMES}


def values_of(measure: Measure) -> dict:
    return {name: getattr(measure, name) for name in MEASURE_NAMES}


def sections_digest(concept: Concept) -> str:
    return digest(sections_of(concept))


def measure_digest(measure: Measure) -> str:
    return digest(values_of(measure))


# --- helpers -------------------------------------------------------------------------------------


def _require_editable(concept: Concept, actor: User) -> None:
    if not policy.can_view_submission(actor, concept) or policy.is_ministry(actor):
        raise ConceptRefused(_l("Only the organisation's own people can change its concept."))
    if not concept.is_editable:
        raise ConceptRefused(
            _l(
                "This version cannot be changed any more: it is %(status)s.",
                status=_status_text(concept),
            )
        )


def _status_text(concept: Concept) -> str:
    return label(concept.status)


def _check_lock(concept: Concept, lock: tuple[int | None, str], current_digest: str) -> None:
    lock_version, base_digest = lock
    if lock_version == concept.lock_version:
        return
    if base_digest and base_digest == current_digest:
        return  # someone changed other parts of the concept meanwhile: no conflict
    raise EditConflict()


def _touch(concept: Concept) -> None:
    """Count a change of a measure as a change of the concept: its lock_version goes up."""
    concept.updated_at = utcnow()


def _commit() -> None:
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise EditConflict() from None


# --- start and amend -----------------------------------------------------------------------------


def start_concept(organisation: Organisation, actor: User) -> Concept:
    """Create version 1, empty, in draft."""
    if not policy.can_start_concept(actor, organisation):
        if policy.belongs_to(actor, organisation.id) and actor.role == Role.PARTNER_ADMIN:
            raise ConceptRefused(_l("The partnership has ended, so no concept can be started."))
        raise ConceptRefused(_l("Only the organisation's partner admin can start the concept."))
    exists = db.session.scalar(
        select(Concept.id).where(Concept.organisation_id == organisation.id).limit(1)
    )
    if exists is not None:
        raise ConceptRefused(_l("A concept has already been started for this organisation."))
    concept = Concept(organisation=organisation, version_number=1)
    db.session.add(concept)
    db.session.flush()
    audit.record("concept_started", concept, actor=actor, version_number=1)
    db.session.commit()
    return concept


def amend_concept(concept_in_force: Concept, actor: User) -> Concept:
    """Copy the approved concept into the next version, in draft. The measures keep their
    lineage; the approved version stays in force until the new one is approved."""
    if not policy.can_amend_concept(actor, concept_in_force):
        raise ConceptRefused(_l("Only the partner admin can amend the approved concept."))
    newer = queries.unfinished_newer_version(concept_in_force)
    if newer is not None:
        raise ConceptRefused(
            _l(
                "Version %(number)s is already being worked on. Finish it before you start "
                "another one.",
                number=newer.version_number,
            )
        )
    highest = db.session.scalar(
        select(func.max(Concept.version_number)).where(
            Concept.organisation_id == concept_in_force.organisation_id
        )
    )
    copy = Concept(
        organisation_id=concept_in_force.organisation_id,
        version_number=(highest or 0) + 1,
        based_on_id=concept_in_force.id,
        **sections_of(concept_in_force),
    )
    for measure in queries.measures_of(concept_in_force):
        copy.measures.append(
            Measure(lineage_id=measure.lineage_id, position=measure.position, **values_of(measure))
        )
    db.session.add(copy)
    db.session.flush()
    audit.record(
        "concept_amended",
        copy,
        actor=actor,
        version_number=copy.version_number,
        based_on_version=concept_in_force.version_number,
    )
    db.session.commit()
    return copy


# --- sections ------------------------------------------------------------------------------------


def save_sections(concept: Concept, values: dict, lock: tuple, actor: User) -> Concept:
    """Save the three sections (partial text is fine). Not audited: saving a draft is frequent
    and changes no state."""
    _require_editable(concept, actor)
    _check_lock(concept, lock, sections_digest(concept))
    for name in SECTION_NAMES:
        setattr(concept, name, values.get(name) or "")
    _commit()
    return concept


# --- measures ------------------------------------------------------------------------------------


def add_measure(concept: Concept, values: dict, actor: User) -> Measure:
    """Add a measure at the end. Needs no lock: it cannot overwrite anyone's text."""
    _require_editable(concept, actor)
    last = db.session.scalar(
        select(func.max(Measure.position)).where(Measure.concept_id == concept.id)
    )
    measure = Measure(concept=concept, position=(last or 0) + 1, **values)
    db.session.add(measure)
    _touch(concept)
    db.session.flush()
    audit.record(
        "measure_added", concept, actor=actor, measure=measure.title, lineage_id=measure.lineage_id
    )
    _commit()
    return measure


def update_measure(
    concept: Concept, measure: Measure, values: dict, lock: tuple, actor: User
) -> Measure:
    _require_editable(concept, actor)
    _check_lock(concept, lock, measure_digest(measure))
    for name, value in values.items():
        setattr(measure, name, value)
    _touch(concept)
    _commit()
    return measure


def remove_measure(concept: Concept, measure: Measure, lock: tuple, actor: User) -> None:
    """Remove a measure from this version (earlier versions keep it; comments on it stay)."""
    _require_editable(concept, actor)
    _check_lock(concept, lock, measure_digest(measure))
    title, lineage_id = measure.title, measure.lineage_id
    db.session.delete(measure)
    _touch(concept)
    audit.record("measure_removed", concept, actor=actor, measure=title, lineage_id=lineage_id)
    _commit()


def move_measure(concept: Concept, measure: Measure, direction: str, actor: User) -> bool:
    """Swap the measure with its neighbour above or below; False when it is already first or
    last. Needs no lock: moving cannot overwrite anyone's text."""
    _require_editable(concept, actor)
    measures = queries.measures_of(concept)
    index = next(i for i, m in enumerate(measures) if m.id == measure.id)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(measures):
        return False
    measures[index], measures[other] = measures[other], measures[index]
    for position, item in enumerate(measures, start=1):
        item.position = position
    _touch(concept)
    _commit()
    return True


# --- submit and withdraw -------------------------------------------------------------------------


def submit(concept: Concept, lock_version: int | None, actor: User) -> Concept:
    """Submit for review (partner admin), only if complete and unchanged since it was checked."""
    if concept.is_editable and lock_version is not None and lock_version != concept.lock_version:
        raise ConceptRefused(
            _l(
                "The concept was changed after you checked it. Please check it again before "
                "you submit it."
            )
        )
    problems = missing_answers(concept, queries.measures_of(concept))
    try:
        workflow.apply_transition(
            concept, "submit", actor, completeness_check=lambda _concept: problems
        )
    except workflow.TransitionError as refused:
        db.session.rollback()
        raise ConceptRefused(refused.reason, problems) from None
    except StaleDataError:
        db.session.rollback()
        raise ConceptRefused(
            _l("Someone else changed the concept just now. Please check it again.")
        ) from None
    return concept


def withdraw(concept: Concept, actor: User) -> Concept:
    """Take a submitted concept back to draft (partner admin)."""
    try:
        workflow.apply_transition(concept, "withdraw", actor)
    except workflow.TransitionError as refused:
        db.session.rollback()
        raise ConceptRefused(refused.reason) from None
    except StaleDataError:
        db.session.rollback()
        raise ConceptRefused(
            _l("Someone else changed the concept just now. Please try again.")
        ) from None
    return concept
