"""Snapshots of a concept at each submission, and the comparison the reviewer sees.

After a change request the partner edits the same concept row in place, so "what changed since
the last submission" needs a copy of what was submitted. `take(concept)` returns that copy as a
JSON string for the `snapshot` field of the `submit` audit entry (the audit log is append-only,
so the copy cannot be changed afterwards). `comparison(concept)` then finds what to compare with:

1. the previous submission of the same version (its snapshot), for a resubmission;
2. otherwise the previous version of the concept that was approved (or at least submitted),
   for an amendment — and for resubmissions made before snapshots were recorded.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import AuditEntry, Concept, SubmissionStatus
from portal.review import diff

SNAPSHOT_KEY = "snapshot"
FORMAT = 1


def _plain(value):
    """A JSON-safe value that compares equal whether it comes from a row or from JSON."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def content_of(concept: Concept) -> dict:
    """The concept's sections and measures as plain data (what a snapshot stores)."""
    return {
        "format": FORMAT,
        "version_number": concept.version_number,
        "sections": {key: getattr(concept, key) or "" for key, _label in diff.SECTIONS},
        "measures": [
            {
                "lineage_id": measure.lineage_id,
                "position": measure.position,
                **{key: _plain(getattr(measure, key)) for key, _label in diff.MEASURE_FIELDS},
            }
            for measure in sorted(concept.measures, key=lambda m: (m.position, m.id or 0))
        ],
    }


def take(submission) -> str | None:
    """The snapshot of a concept as a JSON string (None for other submissions). Called on submit;
    the caller stores it in the audit entry: `audit.record("submit", ..., snapshot=take(c))`."""
    if getattr(submission, "subject_type", None) != "concept":
        return None
    return json.dumps(content_of(submission), ensure_ascii=False, sort_keys=True)


def load(raw) -> dict | None:
    """A stored snapshot back as a dict; None when missing or unreadable."""
    if not raw:
        return None
    try:
        content = json.loads(raw)
    except (TypeError, ValueError):
        return None
    return content if isinstance(content, dict) and "sections" in content else None


@dataclass(frozen=True)
class Comparison:
    """What the reviewer sees under "What changed".

    `base_kind` is "submission" (an earlier submission of this version, `since` its time) or
    "version" (an earlier version, `base_version` its number and `base_status` its status)."""

    base_kind: str
    diff: diff.ConceptDiff
    since: datetime | None = None
    base_version: int | None = None
    base_status: SubmissionStatus | None = None


def submissions_of(concept: Concept) -> list[tuple[datetime, dict]]:
    """The snapshots taken at each submission of this concept row, newest first; one query."""
    entries = db.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.object_type == "concept",
            AuditEntry.object_id == concept.id,
            AuditEntry.action == "submit",
        )
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    ).all()
    found = []
    for entry in entries:
        content = load((entry.data or {}).get(SNAPSHOT_KEY))
        if content is not None:
            found.append((entry.created_at, content))
    return found


def previous_version(concept: Concept) -> Concept | None:
    """The latest earlier version that was approved, else the latest that was submitted."""
    candidates = db.session.scalars(
        select(Concept)
        .where(
            Concept.organisation_id == concept.organisation_id,
            Concept.version_number < concept.version_number,
            Concept.submitted_at.is_not(None),
        )
        .order_by(Concept.version_number.desc())
        .options(selectinload(Concept.measures))
    ).all()
    approved = [c for c in candidates if c.approved_at is not None]
    return (approved or candidates or [None])[0]


def comparison(concept: Concept) -> Comparison | None:
    """What changed in this concept since the last submission or the previous version; None
    when there is nothing to compare with (the first submission of the first version)."""
    current = content_of(concept)
    snapshots = submissions_of(concept)
    if concept.status in (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED):
        # The newest snapshot is the submission under review; compare with the one before.
        cutoff = concept.submitted_at
        snapshots = [(when, content) for when, content in snapshots if cutoff and when < cutoff]
    if snapshots:
        since, content = snapshots[0]
        return Comparison("submission", diff.compare(content, current), since=since)
    previous = previous_version(concept)
    if previous is not None:
        return Comparison(
            "version",
            diff.compare(content_of(previous), current),
            base_version=previous.version_number,
            base_status=previous.status,
        )
    return None
