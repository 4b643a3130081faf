"""The review page of a concept (/ministerium/konzepte/<id>) and its assignment form: the full
concept, what changed since the last submission, and the assignment to a reviewer."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal import workflow
from portal.models import AuditEntry, Concept, Measure, OrganisationStatus, SubmissionStatus, utcnow
from tests import factories
from tests.review_support import (
    in_english,
    page_of,
    record_snapshots_on_submit,
    submitted_concept,
)

pytestmark = pytest.mark.db

S = SubmissionStatus


@pytest.fixture
def english(db, cast):
    return in_english(cast)


@pytest.fixture
def concept(english):
    return submitted_concept(english["org_a"])


def test_the_reviewer_sees_the_whole_concept_and_what_to_do(client, english, login_as, concept):
    login_as(english["reviewer"])
    page = page_of(client, concept)
    assert "<h1" in page and "Concept of Organisation A, version 1" in page
    assert "Submitted" in page and "3 days" in page
    assert "Wenige Beschäftigte mit Einwanderungsgeschichte." in page
    assert "Measure 1: Maßnahme Nummer 1" in page and "Measure 2: Maßnahme Nummer 2" in page
    assert "then approve it or request changes" in page
    assert f'href="/organisationen/{concept.organisation_id}/konzept/verlauf"' in page
    # Decisions possible in this state, and the assignment form with "me" first.
    assert 'name="action" value="approve"' in page
    assert 'name="action" value="request_changes"' in page
    assert 'value="reopen"' not in page
    assert f"Me ({english['reviewer'].name})" in page
    assert "nobody yet" in page
    # Nothing to compare with for a first submission.
    assert 'id="changes"' not in page


def test_a_missing_concept_is_404(client, english, login_as):
    login_as(english["reviewer"])
    assert client.get("/ministerium/konzepte/999999").status_code == 404


def test_partners_are_refused_even_for_their_own_concept(client, english, login_as, concept):
    for who in ("editor_a", "admin_a", "admin_b"):
        login_as(english[who])
        assert client.get(f"/ministerium/konzepte/{concept.id}").status_code == 403
        client.post("/abmelden")


def test_the_partners_text_is_escaped(client, english, login_as, db):
    concept = submitted_concept(english["org_a"], goals='<script>alert("x")</script>', measures=0)
    factories.MeasureFactory(concept=concept, title="<b>fett</b>")
    db.session.commit()
    login_as(english["reviewer"])
    page = page_of(client, concept)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<b>fett</b>" not in page and "&lt;b&gt;fett&lt;/b&gt;" in page


@pytest.fixture
def snapshots_on_submit(monkeypatch):
    record_snapshots_on_submit(monkeypatch)


def test_a_resubmission_shows_what_changed_side_by_side(
    app, client, english, login_as, db, snapshots_on_submit
):
    concept = factories.ConceptFactory(
        organisation=english["org_a"], goals="Wir wollen 20 Prozent bis 2025 erreichen."
    )
    for lineage, title in (("keep", "Bleibt"), ("change", "Ändert sich"), ("drop", "Fällt weg")):
        factories.MeasureFactory(concept=concept, lineage_id=lineage, title=title)
    db.session.commit()
    with app.test_request_context("/"):
        workflow.apply_transition(concept, "submit", english["admin_a"])
        workflow.apply_transition(concept, "request_changes", english["reviewer"], "Zahlen!")
    concept.goals = "Wir wollen 30 Prozent bis 2027 erreichen."
    by_lineage = {m.lineage_id: m for m in concept.measures}
    by_lineage["change"].target_value = Decimal("35")
    by_lineage["change"].description = "Beschreibung, ergänzt um Zahlen"
    concept.measures.remove(by_lineage["drop"])
    concept.measures.append(
        Measure(
            lineage_id="new", title="Ganz neu", field_of_action=by_lineage["keep"].field_of_action
        )
    )
    db.session.commit()
    with app.test_request_context("/"):
        workflow.apply_transition(concept, "submit", english["admin_a"])

    login_as(english["reviewer"])
    page = page_of(client, concept)
    changes = page.split('id="changes"', 1)[1].split('id="concept"', 1)[0]
    assert "Compared with what the organisation submitted on" in changes
    assert "1 section changed" in changes
    assert "1 measure added" in changes and "1 measure removed" in changes
    assert "1 measure changed" in changes and "1 measure unchanged" in changes
    # Old | new side by side, the changes marked with words, not only by colour.
    assert "Section changed: Goals" in changes
    assert re.search(r"<del><span class=\"kern-sr-only\">\[removed: </span>20", changes)
    assert re.search(r"<ins><span class=\"kern-sr-only\">\[added: </span>30", changes)
    assert "Measure changed: Ändert sich" in changes
    assert ">Target value</th>" in changes and ">Description</th>" in changes
    assert "Ganz neu" in changes.split("Measures added", 1)[1]
    assert "Fällt weg" in changes.split("Measures removed", 1)[1]


def test_an_amendment_is_compared_with_the_version_in_force(client, english, login_as, db):
    first = factories.ConceptFactory(
        organisation=english["org_a"], status=S.APPROVED, goals="Alt", submitted_at=utcnow()
    )
    first.approved_at = utcnow()
    factories.MeasureFactory(concept=first, lineage_id="same", title="Gleich")
    second = submitted_concept(english["org_a"], measures=0, version_number=2, goals="Neu")
    factories.MeasureFactory(concept=second, lineage_id="same", title="Gleich")
    db.session.commit()
    login_as(english["reviewer"])
    page = page_of(client, second)
    assert "Compared with version 1 of the concept (Approved)." in page
    assert "Section changed: Goals" in page
    assert "0 measures changed" in page


def test_a_resubmission_without_a_recorded_copy_says_so(client, english, login_as, db):
    concept = submitted_concept(english["org_a"], changes_requested_at=utcnow() - timedelta(days=9))
    login_as(english["reviewer"])
    assert "the portal holds no copy of that submission" in page_of(client, concept)


def test_the_review_page_takes_the_same_queries_for_n_and_10n(
    client, english, login_as, db, count_queries
):
    """Measures, comments with answers, and an earlier version to compare with."""
    from portal.comments import add_comment

    first = factories.ConceptFactory(
        organisation=english["org_a"], status=S.APPROVED, submitted_at=utcnow()
    )
    first.approved_at = utcnow()
    concept = submitted_concept(english["org_a"], measures=0, version_number=2)

    def grow(n):
        for index in range(n):
            lineage = f"l{len(concept.measures)}"
            factories.MeasureFactory(concept=first, lineage_id=lineage)
            factories.MeasureFactory(concept=concept, lineage_id=lineage, title=f"T{index}")
        db.session.commit()
        for _ in range(n):
            question = add_comment(concept, english["reviewer"], "Frage", internal=True)
            add_comment(concept, english["admin"], "Antwort", reply_to=question)
            add_comment(concept, english["admin_a"], "Partner fragt")

    login_as(english["reviewer"])
    grow(2)
    url = f"/ministerium/konzepte/{concept.id}"
    client.get(url)
    with count_queries() as few:
        client.get(url)
    grow(18)
    with count_queries() as many:
        page = client.get(url).get_data(as_text=True)
    assert page.count('class="portal-thread"') == 40
    assert many.count == few.count, (few.count, many.count)


# --- assignment ------------------------------------------------------------------------------------


def _assign(client, concept, reviewer_id, return_to=None):
    data = {f"assign-{concept.id}-reviewer": str(reviewer_id)}
    if return_to is not None:
        data[f"assign-{concept.id}-return_to"] = return_to
    return client.post(f"/ministerium/konzepte/{concept.id}/zuweisen", data=data)


def test_a_reviewer_assigns_the_concept_to_themselves(
    client, english, login_as, db, concept, outbox
):
    login_as(english["reviewer"])
    lock_version = concept.lock_version
    response = _assign(client, concept, english["reviewer"].id)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/ministerium/konzepte/{concept.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The concept of Organisation A is assigned to you." in page
    db.session.expire_all()
    assert concept.assigned_reviewer_id == english["reviewer"].id
    # The partner's open edit form does not become stale because of an assignment.
    assert concept.lock_version == lock_version
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "assigned")).one()
    assert (entry.object_id, entry.actor_id) == (concept.id, english["reviewer"].id)
    assert entry.data["reviewer_id"] == str(english["reviewer"].id)
    assert outbox() == []


def test_a_colleague_who_is_assigned_gets_an_email(client, english, login_as, db, concept, outbox):
    login_as(english["reviewer"])
    response = _assign(client, concept, english["admin"].id, return_to="/ministerium/pruefung")
    assert response.headers["Location"] == "/ministerium/pruefung"
    (message,) = outbox()
    assert message.recipient == english["admin"].email
    assert message.subject == "Assigned to you for review: concept of Organisation A"
    assert f"http://portal.test/ministerium/konzepte/{concept.id}" in message.body
    # Assigning the same person again changes nothing and sends nothing.
    _assign(client, concept, english["admin"].id)
    assert len(outbox()) == 1
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "assigned")).all()


@pytest.mark.parametrize("who", ["admin_a", "inactive", "invited", "nobody", "garbage"])
def test_only_active_ministry_accounts_can_be_assigned(
    client, english, login_as, db, concept, outbox, who
):
    inactive = factories.UserFactory(role="reviewer", organisation=None, is_active_account=False)
    invited = factories.UserFactory(role="reviewer", organisation=None, password_hash=None)
    db.session.commit()
    ids = {
        "admin_a": english["admin_a"].id,
        "inactive": inactive.id,
        "invited": invited.id,
        "nobody": 999999,
        "garbage": "<script>",
    }
    login_as(english["reviewer"])
    response = _assign(client, concept, ids[who])
    assert response.status_code == 422
    assert "Choose one of the options in the list." in response.get_data(as_text=True)
    db.session.expire_all()
    assert concept.assigned_reviewer_id is None
    assert outbox() == []


def test_an_unsafe_return_address_is_ignored(client, english, login_as, concept):
    login_as(english["reviewer"])
    response = _assign(client, concept, english["reviewer"].id, return_to="https://evil.example/")
    assert response.headers["Location"] == f"/ministerium/konzepte/{concept.id}"


def test_the_next_step_after_approving_an_applicants_first_concept(client, english, login_as, db):
    applicant = factories.OrganisationFactory(
        name="Bewerberin gGmbH", status=OrganisationStatus.APPLICANT, member_number=None
    )
    concept = submitted_concept(applicant, status=S.APPROVED)
    login_as(english["reviewer"])
    page = page_of(client, concept)
    link = f'href="/organisationen/{applicant.id}/vereinbarung"'
    assert link in page and "Record the partnership agreement" in page
    # For an active partner's concept there is no such step.
    other = submitted_concept(english["org_a"], status=S.APPROVED)
    assert "Record the partnership agreement" not in page_of(client, other)


def test_concept_rows_are_unchanged_by_reading(client, english, login_as, db, concept):
    login_as(english["reviewer"])
    before = db.session.scalar(select(Concept.lock_version).where(Concept.id == concept.id))
    page_of(client, concept)
    assert db.session.scalar(select(Concept.lock_version).where(Concept.id == concept.id)) == before
