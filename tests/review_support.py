"""Helpers shared by the tests of the ministry's review (tests/test_review_*.py)."""

import inspect
from datetime import timedelta
from decimal import Decimal

from portal import audit, workflow
from portal.extensions import db
from portal.models import SubmissionStatus, utcnow
from portal.review import snapshots
from tests import factories

# Whether portal/workflow.py already stores a snapshot in the `submit` audit entry.
WORKFLOW_TAKES_SNAPSHOTS = "snapshots.take" in inspect.getsource(workflow)


def in_english(cast) -> dict:
    """Every user of the cast reads English, so pages and e-mails are checked in the msgids."""
    for key in ("editor_a", "admin_a", "admin_b", "reviewer", "admin"):
        cast[key].locale = "en"
    db.session.commit()
    return cast


def record_snapshots_on_submit(monkeypatch) -> None:
    """What the three-line change to portal/workflow.py does (see portal.review.snapshots), until
    it is applied: the `submit` audit entry carries the snapshot."""
    if WORKFLOW_TAKES_SNAPSHOTS:
        return
    record = audit.record

    def record_with_snapshot(action, obj=None, **fields):
        if action == "submit":
            fields.setdefault(snapshots.SNAPSHOT_KEY, snapshots.take(obj))
        return record(action, obj, **fields)

    monkeypatch.setattr(audit, "record", record_with_snapshot)


def submitted_concept(organisation, measures=2, **fields):
    """A concept submitted three days ago with `measures` measures (lineage0, lineage1, ...)."""
    values = {
        "status": SubmissionStatus.SUBMITTED,
        "submitted_at": utcnow() - timedelta(days=3, hours=1),
        "initial_situation": "Wenige Beschäftigte mit Einwanderungsgeschichte.",
        "goals": "Mehr Vielfalt bis 2027.",
        **fields,
    }
    concept = factories.ConceptFactory(organisation=organisation, **values)
    for index in range(measures):
        factories.MeasureFactory(
            concept=concept,
            lineage_id=f"lineage{index}",
            position=index,
            title=f"Maßnahme Nummer {index + 1}",
            target_value=Decimal("30"),
        )
    db.session.commit()
    return concept


def page_of(client, concept) -> str:
    """The review page of a concept (asserts it is shown)."""
    response = client.get(f"/ministerium/konzepte/{concept.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)
