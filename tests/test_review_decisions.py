"""Decisions on the review page: approve, request changes (comment required), reopen (reason
required, only the newest version). A decision in the wrong state is a clear 409 that keeps the
typed text, never a 500; each decision lands in the audit log and e-mails the partner."""

import html

import pytest
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.comments import MAX_COMMENT_LENGTH
from portal.models import AuditEntry, Comment, Concept, OrganisationStatus, SubmissionStatus
from portal.review import services
from portal.workflow import apply_transition
from tests import factories
from tests.review_support import in_english, page_of, submitted_concept

pytestmark = [pytest.mark.db, pytest.mark.usefixtures("english")]

S = SubmissionStatus
WHY = "Bitte die Zielwerte für 2027 ergänzen und Maßnahme 2 genauer beschreiben."


@pytest.fixture
def english(db, cast):
    return in_english(cast)


@pytest.fixture
def concept(english):
    return submitted_concept(english["org_a"])


def _decide(client, concept, action, comment=""):
    data = {"comment": comment}
    if action is not None:
        data["action"] = action
    return client.post(f"/ministerium/konzepte/{concept.id}/entscheidung", data=data)


def _status(db, concept):
    db.session.expire_all()
    return db.session.get(Concept, concept.id).status


def test_approving_informs_the_partner(client, english, login_as, db, concept, outbox):
    login_as(english["reviewer"])
    response = _decide(client, concept, "approve", "Überzeugendes Konzept.")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/ministerium/konzepte/{concept.id}"
    assert _status(db, concept) == S.APPROVED
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "approve")).one()
    assert (entry.actor_id, entry.from_state, entry.to_state) == (
        english["reviewer"].id,
        "submitted",
        "approved",
    )
    messages = {m.recipient: m for m in outbox()}
    assert english["admin_a"].email in messages
    assert messages[english["admin_a"].email].subject == "Your concept has been approved"
    assert "Überzeugendes Konzept." in messages[english["admin_a"].email].body
    page = page_of(client, concept)
    assert "Version 1 of the concept of Organisation A is approved" in page
    # An active partner's concept: no agreement to record; reopening is offered instead.
    assert "Record the partnership agreement" not in page
    assert 'value="reopen"' in page


def test_after_an_applicants_first_approval_the_next_step_is_the_agreement(
    client, english, login_as, db
):
    applicant = factories.OrganisationFactory(
        name="Pflegedienst Beispiel", status=OrganisationStatus.APPLICANT, member_number=None
    )
    concept = submitted_concept(applicant)
    login_as(english["reviewer"])
    response = _decide(client, concept, "approve")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Next step: record the partnership agreement once it is signed." in page
    link = f"/organisationen/{applicant.id}/vereinbarung"
    assert f'href="{link}"' in page
    assert client.get(link).status_code == 200


def test_requesting_changes_sends_the_comment_to_the_partner(
    client, english, login_as, db, concept, outbox
):
    login_as(english["reviewer"])
    response = _decide(client, concept, "request_changes", WHY)
    assert response.status_code == 302
    assert _status(db, concept) == S.CHANGES_REQUESTED
    comment = db.session.scalars(select(Comment)).one()
    assert (comment.body, comment.is_internal) == (WHY, False)
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "request_changes")
    ).one()
    assert entry.comment == WHY
    for message in outbox():
        assert message.subject == "Changes requested to your concept"
        assert WHY in message.body
    assert sorted(m.recipient for m in outbox()) == sorted(
        [english["editor_a"].email, english["admin_a"].email]
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Changes to version 1 of the concept of Organisation A are requested." in page
    assert WHY in page
    # The partner reads the request on the concept page.
    client.post("/abmelden")
    login_as(english["admin_a"])
    assert WHY in client.get(f"/konzepte/{concept.id}").get_data(as_text=True)


@pytest.mark.parametrize("comment", ["", "   \n "])
def test_a_request_for_changes_needs_a_comment(
    client, english, login_as, db, concept, outbox, comment
):
    login_as(english["reviewer"])
    response = _decide(client, concept, "request_changes", comment)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please say what the partner should change." in page
    assert 'id="error-summary"' in page and 'href="#comment"' in page
    assert _status(db, concept) == S.SUBMITTED
    assert outbox() == []


def test_a_too_long_comment_is_refused_and_kept(client, english, login_as, db, concept):
    login_as(english["reviewer"])
    text = "<b>Zu lang</b> " + "x" * MAX_COMMENT_LENGTH
    response = _decide(client, concept, "request_changes", text)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"Please shorten the text to {MAX_COMMENT_LENGTH} characters." in page
    assert "&lt;b&gt;Zu lang&lt;/b&gt; xxx" in page
    assert _status(db, concept) == S.SUBMITTED


@pytest.mark.parametrize("action", [None, "", "publish", "withdraw", "submit"])
def test_an_unknown_decision_is_refused(client, english, login_as, db, concept, action):
    login_as(english["reviewer"])
    response = _decide(client, concept, action, WHY)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please choose a decision." in page
    assert WHY in page
    assert _status(db, concept) == S.SUBMITTED


def _meanwhile(db, concept, **changes):
    """Someone else changes the concept (another request, another browser)."""
    with Session(db.engine) as other:
        row = other.get(Concept, concept.id)
        for name, value in changes.items():
            setattr(row, name, value)
        other.commit()


@pytest.mark.parametrize(
    ("meanwhile", "action"),
    [
        (S.DRAFT, "approve"),  # the partner withdrew it
        (S.APPROVED, "request_changes"),  # a colleague approved it
        (S.CHANGES_REQUESTED, "approve"),  # a colleague asked for changes
        (S.SUBMITTED, "reopen"),  # nothing approved to reopen
    ],
)
def test_a_decision_in_the_wrong_state_is_a_clear_409_that_keeps_the_text(
    client, english, login_as, db, concept, outbox, meanwhile, action
):
    login_as(english["reviewer"])
    _meanwhile(db, concept, status=meanwhile)
    response = _decide(client, concept, action, WHY)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This decision is not possible in the concept's current state." in html.unescape(page)
    assert 'role="alert"' in page
    assert WHY in page  # the typed text is still there to copy or use
    assert _status(db, concept) == meanwhile
    assert (
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action.in_(services.DECISIONS))
        ).all()
        == []
    )
    assert outbox() == []


def test_a_decision_racing_a_withdrawal_is_refused_by_the_lock(db, english, concept, outbox, app):
    """Loaded as submitted, withdrawn before the decision is saved: the lock version catches it."""
    _meanwhile(db, concept, status=S.DRAFT, lock_version=concept.lock_version + 1)
    assert concept.status == S.SUBMITTED  # what the reviewer still has
    with (
        app.test_request_context("/"),
        force_locale("en"),
        pytest.raises(services.ReviewRefused) as refused,
    ):
        services.decide(concept, "approve", english["reviewer"])
    with force_locale("en"):
        assert "Someone else changed this concept" in str(refused.value.reason)
    assert _status(db, concept) == S.DRAFT
    assert outbox() == []


def test_reopening_an_approved_concept_needs_a_reason(client, english, login_as, db, outbox):
    concept = submitted_concept(english["org_a"], status=S.APPROVED)
    login_as(english["reviewer"])
    page = page_of(client, concept)
    assert "Reason for reopening (the partner reads it)" in page
    assert 'value="approve"' not in page

    response = _decide(client, concept, "reopen", "")
    assert response.status_code == 422
    assert "Please give the reason for reopening the concept." in response.get_data(as_text=True)
    assert _status(db, concept) == S.APPROVED

    response = _decide(client, concept, "reopen", "Die Förderrichtlinie hat sich geändert.")
    assert response.status_code == 302
    assert _status(db, concept) == S.CHANGES_REQUESTED
    assert {m.subject for m in outbox()} == {"Your concept has been reopened"}


def test_an_older_version_cannot_be_reopened_once_a_newer_one_exists(
    client, english, login_as, db, outbox
):
    approved = submitted_concept(english["org_a"], status=S.APPROVED)
    factories.ConceptFactory(organisation=english["org_a"], version_number=2)
    db.session.commit()
    login_as(english["reviewer"])
    page = page_of(client, approved)
    assert 'value="reopen"' not in page
    assert "already started a newer version" in page

    response = _decide(client, approved, "reopen", "Doch noch einmal öffnen.")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Comment on the newer version instead." in page
    assert "Doch noch einmal öffnen." in page
    assert _status(db, approved) == S.APPROVED
    assert outbox() == []


def test_a_resubmission_is_sent_to_the_assigned_reviewer(
    client, english, login_as, db, outbox, app
):
    colleague = factories.UserFactory(role="reviewer", organisation=None, locale="en")
    concept = submitted_concept(english["org_a"], assigned_reviewer=colleague)
    login_as(english["reviewer"])
    _decide(client, concept, "request_changes", WHY)
    db.session.expire_all()
    before = len(outbox())
    with app.test_request_context("/"):
        apply_transition(db.session.get(Concept, concept.id), "submit", english["admin_a"])
    (message,) = outbox()[before:]
    assert message.recipient == colleague.email
    assert message.subject == "Concept submitted for review: Organisation A"


@pytest.mark.parametrize("action", ["approve", "request_changes", "reopen"])
def test_partners_cannot_decide(client, english, login_as, db, concept, action):
    for who in ("editor_a", "admin_a", "admin_b"):
        login_as(english[who])
        assert _decide(client, concept, action, WHY).status_code == 403
        client.post("/abmelden")
    assert _status(db, concept) == S.SUBMITTED
