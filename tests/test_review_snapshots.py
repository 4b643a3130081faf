"""Snapshots of a concept at submission and what the review page compares with
(portal.review.snapshots): the previous submission of a resubmitted version, or the previous
version of an amendment."""

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal import workflow
from portal.models import AuditEntry, Concept, Measure, SubmissionStatus
from portal.review import snapshots
from tests import factories
from tests.review_support import WORKFLOW_TAKES_SNAPSHOTS, record_snapshots_on_submit

pytestmark = pytest.mark.db

S = SubmissionStatus


@pytest.fixture(autouse=True)
def _in_a_request(app):
    with app.test_request_context("/"):
        yield


@pytest.fixture
def snapshots_on_submit(monkeypatch):
    record_snapshots_on_submit(monkeypatch)


def _concept(db, organisation, version=1, status=S.DRAFT, **fields):
    concept = factories.ConceptFactory(
        organisation=organisation, version_number=version, status=status, **fields
    )
    factories.MeasureFactory(concept=concept, lineage_id="keep", title="Bleibt", position=1)
    factories.MeasureFactory(concept=concept, lineage_id="change", title="Ändert sich", position=2)
    factories.MeasureFactory(concept=concept, lineage_id="drop", title="Fällt weg", position=3)
    db.session.commit()
    return concept


def _revise(db, concept):
    """What a partner does after a request for changes: edit a section, change one measure,
    remove one, add one."""
    concept.goals = "Ziele, jetzt mit Zahlen: 30 Prozent bis 2027."
    by_lineage = {m.lineage_id: m for m in concept.measures}
    by_lineage["change"].target_value = Decimal("35")
    concept.measures.remove(by_lineage["drop"])
    concept.measures.append(
        Measure(
            lineage_id="new",
            title="Neu",
            position=4,
            field_of_action_id=by_lineage["keep"].field_of_action_id,
        )
    )
    db.session.commit()


def _step(concept, action, actor, comment=""):
    workflow.apply_transition(concept, action, actor, comment)


def _kinds(comparison):
    return sorted((c.kind, c.lineage_id) for c in comparison.diff.measures)


# --- take, load, content_of ----------------------------------------------------------------------


def test_a_snapshot_reads_back_as_the_same_content(db, cast):
    concept = _concept(db, cast["org_a"], initial_situation="Zeile 1\nZeile 2 – äöü")
    measure = concept.measures[0]
    measure.baseline = Decimal("12.50")
    measure.target_value = Decimal("100")
    measure.start_date = date(2025, 1, 1)
    measure.share_as_good_practice = True
    db.session.commit()

    raw = snapshots.take(concept)
    assert isinstance(raw, str)
    content = snapshots.load(raw)
    assert content == json.loads(json.dumps(snapshots.content_of(concept)))
    assert content["sections"]["initial_situation"] == "Zeile 1\nZeile 2 – äöü"
    first = content["measures"][0]
    assert (first["baseline"], first["target_value"], first["start_date"]) == (
        "12.5",
        "100",
        "2025-01-01",
    )
    assert [m["lineage_id"] for m in content["measures"]] == ["keep", "change", "drop"]
    # Read back from the database, the concept compares equal to its snapshot.
    db.session.expire_all()
    assert not snapshots.diff.compare(content, snapshots.content_of(concept)).has_changes


def test_only_concepts_have_snapshots(db, cast):
    report = factories.ReportFactory(organisation=cast["org_a"])
    db.session.commit()
    assert snapshots.take(report) is None


@pytest.mark.parametrize("raw", [None, "", "nicht json", "[]", '{"measures": []}', "null"])
def test_unreadable_snapshots_are_ignored(raw):
    assert snapshots.load(raw) is None


# --- comparison ----------------------------------------------------------------------------------


def test_a_first_submission_has_nothing_to_compare_with(db, cast, snapshots_on_submit):
    concept = _concept(db, cast["org_a"])
    _step(concept, "submit", cast["admin_a"])
    assert snapshots.comparison(concept) is None


def test_a_resubmission_is_compared_with_the_previous_submission(db, cast, snapshots_on_submit):
    concept = _concept(db, cast["org_a"])
    _step(concept, "submit", cast["admin_a"])
    first_submission = db.session.scalars(select(AuditEntry)).one().created_at
    _step(concept, "request_changes", cast["reviewer"], "Bitte Zahlen nennen.")

    _revise(db, concept)
    # While the partner revises, the ministry sees the changes so far.
    so_far = snapshots.comparison(concept)
    assert so_far.base_kind == "submission"
    assert [s.key for s in so_far.diff.changed_sections] == ["goals"]

    _step(concept, "submit", cast["admin_a"])
    comparison = snapshots.comparison(concept)
    assert comparison.base_kind == "submission"
    assert comparison.since == first_submission
    assert [s.key for s in comparison.diff.changed_sections] == ["goals"]
    assert _kinds(comparison) == [("added", "new"), ("changed", "change"), ("removed", "drop")]
    (changed,) = comparison.diff.changed
    assert [(f.key, f.old, f.new) for f in changed.fields] == [("target_value", None, "35")]
    assert comparison.diff.unchanged_measures == 1

    # Approved, the page still shows what changed in the last round.
    _step(concept, "approve", cast["reviewer"])
    assert _kinds(snapshots.comparison(concept)) == _kinds(comparison)


def test_an_unchanged_resubmission_says_nothing_changed(db, cast, snapshots_on_submit):
    concept = _concept(db, cast["org_a"])
    _step(concept, "submit", cast["admin_a"])
    _step(concept, "request_changes", cast["reviewer"], "Bitte prüfen.")
    _step(concept, "submit", cast["admin_a"])
    comparison = snapshots.comparison(concept)
    assert comparison.base_kind == "submission"
    assert not comparison.diff.has_changes


def _amend(db, approved):
    """A new version copied from the approved one, measures keeping their lineage."""
    copy = Concept(
        organisation_id=approved.organisation_id,
        version_number=approved.version_number + 1,
        based_on_id=approved.id,
        initial_situation=approved.initial_situation,
        goals=approved.goals,
        steering=approved.steering,
        measures=[
            Measure(
                lineage_id=m.lineage_id,
                position=m.position,
                title=m.title,
                description=m.description,
                field_of_action_id=m.field_of_action_id,
            )
            for m in approved.measures
        ],
    )
    db.session.add(copy)
    db.session.commit()
    return copy


def test_an_amendment_is_compared_with_the_version_in_force(db, cast, snapshots_on_submit):
    first = _concept(db, cast["org_a"])
    _step(first, "submit", cast["admin_a"])
    _step(first, "approve", cast["reviewer"])
    amendment = _amend(db, first)
    _revise(db, amendment)
    _step(amendment, "submit", cast["admin_a"])

    comparison = snapshots.comparison(amendment)
    assert comparison.base_kind == "version"
    assert (comparison.base_version, comparison.base_status) == (1, S.APPROVED)
    assert _kinds(comparison) == [("added", "new"), ("changed", "change"), ("removed", "drop")]

    # Its resubmission is compared with its own previous submission, not with version 1.
    _step(amendment, "request_changes", cast["reviewer"], "Noch eine Zahl fehlt.")
    amendment.steering = "Neu: Steuerungsgruppe."
    db.session.commit()
    _step(amendment, "submit", cast["admin_a"])
    again = snapshots.comparison(amendment)
    assert again.base_kind == "submission"
    assert [s.key for s in again.diff.changed_sections] == ["steering"]
    assert again.diff.measures == []


def test_without_snapshots_a_resubmission_falls_back_to_the_previous_version(db, cast):
    """Submissions made before snapshots were recorded: compare with the previous version."""
    first = _concept(db, cast["org_a"], status=S.APPROVED, submitted_at=None)
    first.submitted_at = first.approved_at = first.created_at
    amendment = _amend(db, first)
    amendment.goals = "Geändert"
    amendment.status = S.SUBMITTED
    amendment.submitted_at = amendment.created_at
    amendment.changes_requested_at = amendment.created_at
    db.session.commit()
    comparison = snapshots.comparison(amendment)
    assert comparison.base_kind == "version"
    assert comparison.base_version == 1
    # Version 1 itself has nothing to compare with.
    assert snapshots.comparison(first) is None


def test_an_earlier_version_that_was_only_submitted_is_used_when_none_was_approved(db, cast):
    first = _concept(db, cast["org_a"], status=S.CHANGES_REQUESTED)
    first.submitted_at = first.created_at
    second = _amend(db, first)
    second.status = S.SUBMITTED
    db.session.commit()
    comparison = snapshots.comparison(second)
    assert (comparison.base_version, comparison.base_status) == (1, S.CHANGES_REQUESTED)


@pytest.mark.skipif(
    not WORKFLOW_TAKES_SNAPSHOTS,
    reason="needs the three-line change to portal/workflow.py (see the report / snapshots.take)",
)
def test_the_workflow_records_a_snapshot_on_submit(db, cast):
    concept = _concept(db, cast["org_a"])
    _step(concept, "submit", cast["admin_a"])
    entry = db.session.scalars(select(AuditEntry)).one()
    assert snapshots.load(entry.data[snapshots.SNAPSHOT_KEY]) == snapshots.content_of(concept)
