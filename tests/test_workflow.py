"""The submission state machine (portal.workflow), directly, for concepts and reports.

The expected behaviour is written out below from DESIGN.md §4, independently of
`portal.workflow.TRANSITIONS`, and every (state, action, role) combination is checked against it:
an allowed step changes status and time stamps, writes one audit entry and queues the e-mails; a
refused step raises TransitionError and leaves the database exactly as it was."""

from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from portal import create_app, mail
from portal.models import (
    AuditEntry,
    Comment,
    Concept,
    OutboxMessage,
    Report,
    SubmissionStatus,
    utcnow,
)
from portal.models.audit import AuditLogIsAppendOnly
from portal.workflow import TRANSITIONS, TransitionError, allowed_actions, apply_transition
from tests import factories
from tests.conftest import _empty_all_tables

pytestmark = pytest.mark.db

S = SubmissionStatus

# The cast (tests/conftest.py): the submission belongs to organisation A.
ROLES = ("editor_a", "admin_a", "admin_b", "reviewer", "admin")
MINISTRY = frozenset({"reviewer", "admin"})
OWN_PARTNER_ADMIN = frozenset({"admin_a"})

# DESIGN.md §4, written out: action -> (states it starts from, state it leads to, who may).
EXPECTED = {
    "submit": ({S.DRAFT, S.CHANGES_REQUESTED}, S.SUBMITTED, OWN_PARTNER_ADMIN),
    "withdraw": ({S.SUBMITTED}, S.DRAFT, OWN_PARTNER_ADMIN),
    "approve": ({S.SUBMITTED}, S.APPROVED, MINISTRY),
    "request_changes": ({S.SUBMITTED}, S.CHANGES_REQUESTED, MINISTRY),
    "reopen": ({S.APPROVED}, S.CHANGES_REQUESTED, MINISTRY),
}
# Who hears about a step: the reviewers (partner steps) or the organisation's users (ministry steps).
NOTIFIED = {
    "submit": "reviewers",
    "withdraw": "reviewers",
    "approve": "organisation",
    "request_changes": "organisation",
    "reopen": "organisation",
}
# The time stamp a target state sets (a withdrawal back to draft sets none of them).
STAMP = {
    S.SUBMITTED: "submitted_at",
    S.APPROVED: "approved_at",
    S.CHANGES_REQUESTED: "changes_requested_at",
    S.DRAFT: None,
}
# The subject each recipient sees (in English: the matrix's users read English).
SUBJECT = {
    ("concept", "submit"): "Concept submitted for review: Organisation A",
    ("report", "submit"): "Annual report submitted for review: Organisation A",
    ("concept", "withdraw"): "Concept withdrawn from review: Organisation A",
    ("report", "withdraw"): "Annual report withdrawn from review: Organisation A",
    ("concept", "approve"): "Your concept has been approved",
    ("report", "approve"): "Your annual report has been approved",
    ("concept", "request_changes"): "Changes requested to your concept",
    ("report", "request_changes"): "Changes requested to your annual report",
    ("concept", "reopen"): "Your concept has been reopened",
    ("report", "reopen"): "Your annual report has been reopened",
}
STAMPS = ("submitted_at", "approved_at", "changes_requested_at")
LONG_AGO = datetime(2020, 1, 1, 12, 0)
COMMENT = "Bitte die Ziele für 2025 präzisieren – Maßnahme 2 fehlt noch."
MODELS = {"concept": Concept, "report": Report}


@pytest.fixture(scope="module")
def _workflow_app(_schema, base_config):
    """One app for the module. The matrix has a few hundred cases, so each case only empties the
    tables instead of building a new app and seeding reference data the workflow does not use."""
    app = create_app(dict(base_config))
    with app.app_context():
        _empty_all_tables()
        yield app
        _empty_all_tables()


@pytest.fixture
def app(_workflow_app):
    with _workflow_app.app_context():
        yield _workflow_app
        _empty_all_tables()


@pytest.fixture(autouse=True)
def _in_a_request(request, app):
    """Views apply transitions, so the tests do it inside a request as well (messages are lazy
    strings that need the request's locale; see the test of a refusal outside a request)."""
    if getattr(request.function, "outside_a_request", False):
        yield
        return
    with app.test_request_context("/"):
        yield


def outside_a_request(test):
    test.outside_a_request = True
    return test


def _submission(db, kind, organisation, status=S.DRAFT, **fields):
    factory = factories.ConceptFactory if kind == "concept" else factories.ReportFactory
    submission = factory(
        organisation=organisation, status=status, status_changed_at=LONG_AGO, **fields
    )
    db.session.commit()
    return submission


def _stored(db, submission) -> dict:
    """The submission's workflow columns as the database has them (not the session's copy)."""
    model = type(submission)
    row = db.session.execute(
        select(
            model.status,
            model.lock_version,
            model.status_changed_at,
            model.submitted_at,
            model.approved_at,
            model.changes_requested_at,
        ).where(model.id == submission.id)
    ).one()
    return row._asdict()


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _assert_nothing_changed(db, submission, before) -> None:
    db.session.rollback()
    db.session.expire_all()
    assert _stored(db, submission) == before
    assert _count(db, AuditEntry) == 0
    assert _count(db, OutboxMessage) == 0
    assert _count(db, Comment) == 0


def test_the_expected_table_covers_every_transition():
    # A new transition must be added to the table above (and to DESIGN.md) before it is tested.
    assert set(TRANSITIONS) == set(EXPECTED)


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("action", list(TRANSITIONS))
@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("kind", ["concept", "report"])
def test_transition_matrix(db, cast, outbox, kind, status, action, who):
    for key in ROLES:
        cast[key].locale = "en"
    submission = _submission(db, kind, cast["org_a"], status)
    actor = cast[who]
    sources, target, permitted = EXPECTED[action]
    allowed = status in sources and who in permitted

    assert (action in {t.action for t in allowed_actions(actor, submission)}) is allowed

    before = _stored(db, submission)
    if not allowed:
        with pytest.raises(TransitionError):
            apply_transition(submission, action, actor, comment=COMMENT)
        _assert_nothing_changed(db, submission, before)
        return

    started = utcnow()
    apply_transition(submission, action, actor, comment=COMMENT)
    db.session.expire_all()
    after = _stored(db, submission)

    assert after["status"] == target
    assert after["lock_version"] == before["lock_version"] + 1
    assert after["status_changed_at"] >= started
    for stamp in STAMPS:
        if stamp == STAMP[target]:
            assert after[stamp] is not None and after[stamp] >= started
        else:
            assert after[stamp] == before[stamp]

    entry = db.session.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.object_type, entry.object_id) == (action, kind, submission.id)
    assert (entry.actor_id, entry.organisation_id) == (actor.id, cast["org_a"].id)
    assert (entry.from_state, entry.to_state) == (status.value, target.value)
    assert entry.comment == COMMENT

    comment = db.session.scalars(select(Comment)).one()
    assert (comment.body, comment.is_internal, comment.author_id) == (COMMENT, False, actor.id)
    assert getattr(comment, f"{kind}_id") == submission.id

    messages = outbox()
    if NOTIFIED[action] == "reviewers":
        expected_recipients = [cast["reviewer"].email]
    else:
        expected_recipients = [cast["editor_a"].email, cast["admin_a"].email]
    assert sorted(m.recipient for m in messages) == sorted(expected_recipients)
    assert actor.email not in {m.recipient for m in messages}
    names = {cast[key].email: cast[key].name for key in ROLES}
    for message in messages:
        assert message.subject == SUBJECT[(kind, action)]
        assert message.body.startswith(f"Hello {names[message.recipient]},")
        assert COMMENT in message.body


def test_anonymous_and_unknown_steps_are_refused(db, cast):
    concept = _submission(db, "concept", cast["org_a"], S.SUBMITTED)
    before = _stored(db, concept)
    with pytest.raises(TransitionError):
        apply_transition(concept, "approve", None)
    with pytest.raises(TransitionError):
        apply_transition(concept, "publish", cast["admin"])
    assert allowed_actions(None, concept) == []
    _assert_nothing_changed(db, concept, before)


@outside_a_request
def test_a_refusal_outside_a_request_still_has_a_message(db, cast):
    """Cron jobs and CLI commands have no request; a refusal must still be a TransitionError."""
    concept = _submission(db, "concept", cast["org_a"], S.DRAFT)
    with pytest.raises(TransitionError) as refused:
        apply_transition(concept, "approve", cast["admin_a"])
    assert str(refused.value)


@pytest.mark.parametrize("comment", ["", "   \n\t ", None])
@pytest.mark.parametrize(
    ("action", "status"), [("request_changes", S.SUBMITTED), ("reopen", S.APPROVED)]
)
@pytest.mark.parametrize("kind", ["concept", "report"])
def test_request_changes_and_reopen_need_a_reason(db, cast, kind, action, status, comment):
    submission = _submission(db, kind, cast["org_a"], status)
    before = _stored(db, submission)
    with pytest.raises(TransitionError):
        apply_transition(submission, action, cast["reviewer"], comment=comment)
    _assert_nothing_changed(db, submission, before)


@pytest.mark.parametrize("kind", ["concept", "report"])
def test_a_comment_is_stored_trimmed_and_sent_to_the_partner(db, cast, outbox, kind):
    submission = _submission(db, kind, cast["org_a"], S.SUBMITTED)
    apply_transition(submission, "request_changes", cast["reviewer"], comment=f"  {COMMENT}\n")

    comment = db.session.scalars(select(Comment)).one()
    assert comment.body == COMMENT
    assert not comment.is_internal
    assert comment.author_id == cast["reviewer"].id
    assert getattr(comment, f"{kind}_id") == submission.id
    assert db.session.scalars(select(AuditEntry)).one().comment == COMMENT
    bodies = [m.body for m in outbox()]
    assert len(bodies) == 2
    assert all(COMMENT in body for body in bodies)


@pytest.mark.parametrize(
    ("action", "status"),
    [("request_changes", S.SUBMITTED), ("approve", S.SUBMITTED), ("reopen", S.APPROVED)],
)
@pytest.mark.parametrize("kind", ["concept", "report"])
def test_an_internal_comment_stays_in_the_ministry(db, cast, outbox, kind, action, status):
    secret = "Intern: Rücksprache mit Referatsleitung, Zahlen wirken geschönt."
    submission = _submission(db, kind, cast["org_a"], status)
    apply_transition(submission, action, cast["reviewer"], comment=secret, internal_comment=True)

    comment = db.session.scalars(select(Comment)).one()
    assert comment.body == secret
    assert comment.is_internal
    entry = db.session.scalars(select(AuditEntry)).one()
    assert secret not in entry.comment
    # The partner is still told about the step, but not what the ministry noted internally.
    messages = outbox()
    assert sorted(m.recipient for m in messages) == sorted(
        [cast["editor_a"].email, cast["admin_a"].email]
    )
    for message in messages:
        assert secret not in message.body
        assert "Rücksprache" not in message.body
        assert secret not in message.subject


@pytest.mark.parametrize(("action", "status"), [("submit", S.DRAFT), ("withdraw", S.SUBMITTED)])
def test_a_partner_cannot_write_an_internal_comment(db, cast, action, status):
    concept = _submission(db, "concept", cast["org_a"], status)
    before = _stored(db, concept)
    with pytest.raises(TransitionError):
        apply_transition(concept, action, cast["admin_a"], comment=COMMENT, internal_comment=True)
    _assert_nothing_changed(db, concept, before)


@pytest.mark.parametrize("kind", ["concept", "report"])
def test_an_incomplete_submission_cannot_be_submitted(db, cast, outbox, kind):
    submission = _submission(db, kind, cast["org_a"], S.DRAFT)
    before = _stored(db, submission)
    checked = []

    def incomplete(candidate):
        checked.append(candidate)
        return ["Ziele fehlen", "Keine Maßnahme angelegt"]

    with pytest.raises(TransitionError):
        apply_transition(submission, "submit", cast["admin_a"], completeness_check=incomplete)
    assert checked == [submission]
    _assert_nothing_changed(db, submission, before)

    apply_transition(submission, "submit", cast["admin_a"], completeness_check=lambda s: [])
    assert _stored(db, submission)["status"] == S.SUBMITTED
    assert len(outbox()) == 1


@pytest.mark.parametrize(("action", "status"), [("submit", S.DRAFT), ("withdraw", S.SUBMITTED)])
def test_the_assigned_reviewer_alone_hears_about_partner_steps(db, cast, outbox, action, status):
    second = factories.UserFactory(role="reviewer", organisation=None)
    concept = _submission(db, "concept", cast["org_a"], status, assigned_reviewer=second)
    apply_transition(concept, action, cast["admin_a"])
    assert [m.recipient for m in outbox()] == [second.email]


def test_without_an_active_assigned_reviewer_all_active_reviewers_hear(db, cast, outbox):
    second = factories.UserFactory(role="reviewer", organisation=None)
    factories.UserFactory(role="reviewer", organisation=None, is_active_account=False)
    departed = factories.UserFactory(role="reviewer", organisation=None, is_active_account=False)
    concept = _submission(db, "concept", cast["org_a"], S.DRAFT, assigned_reviewer=departed)
    apply_transition(concept, "submit", cast["admin_a"])
    assert sorted(m.recipient for m in outbox()) == sorted([cast["reviewer"].email, second.email])


def test_deactivated_partner_users_get_no_mail(db, cast, outbox):
    factories.UserFactory(
        role="partner_editor", organisation=cast["org_a"], is_active_account=False
    )
    concept = _submission(db, "concept", cast["org_a"], S.SUBMITTED)
    apply_transition(concept, "approve", cast["admin"])
    assert sorted(m.recipient for m in outbox()) == sorted(
        [cast["editor_a"].email, cast["admin_a"].email]
    )


def test_mail_is_written_in_each_recipients_language(db, cast, outbox):
    cast["admin_a"].locale = "en"
    cast["editor_a"].locale = "de"
    concept = _submission(db, "concept", cast["org_a"], S.SUBMITTED)
    apply_transition(concept, "approve", cast["reviewer"])
    by_recipient = {m.recipient: m for m in outbox()}
    assert by_recipient[cast["admin_a"].email].subject == "Your concept has been approved"
    assert by_recipient[cast["editor_a"].email].subject == "Ihr Konzept wurde freigegeben"


@pytest.mark.parametrize("kind", ["concept", "report"])
def test_a_transition_is_one_transaction(db, cast, monkeypatch, kind):
    submission = _submission(db, kind, cast["org_a"], S.SUBMITTED)
    before = _stored(db, submission)

    def broken_mail(user, template, **context):
        # By now the status is set, the comment and the audit entry are added.
        assert context["submission"].status == S.CHANGES_REQUESTED
        raise RuntimeError("mail template broken")

    monkeypatch.setattr(mail, "queue_mail_to_user", broken_mail)
    with pytest.raises(RuntimeError):
        apply_transition(submission, "request_changes", cast["reviewer"], comment=COMMENT)
    _assert_nothing_changed(db, submission, before)
    # Seen from another connection too: nothing of the half-done step reached the database.
    with Session(db.engine) as other:
        assert other.get(MODELS[kind], submission.id).status == S.SUBMITTED
        assert other.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_the_audit_log_cannot_be_changed_or_deleted(db, cast):
    concept = _submission(db, "concept", cast["org_a"], S.DRAFT)
    apply_transition(concept, "submit", cast["admin_a"], comment=COMMENT)
    entry = db.session.scalars(select(AuditEntry)).one()

    entry.comment = "nachträglich geschönt"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()

    db.session.delete(entry)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()

    db.session.expire_all()
    entries = db.session.scalars(select(AuditEntry)).all()
    assert [(e.action, e.comment) for e in entries] == [("submit", COMMENT)]


def test_concurrent_saves_do_not_overwrite_each_other(db, cast):
    concept = _submission(db, "concept", cast["org_a"], S.DRAFT)
    with Session(db.engine) as other:
        theirs = other.get(Concept, concept.id)
        concept.goals = "Ziele aus dem ersten Fenster"
        db.session.commit()
        theirs.goals = "Ziele aus dem zweiten Fenster"
        with pytest.raises(StaleDataError):
            other.commit()
        other.rollback()
    db.session.expire_all()
    assert concept.goals == "Ziele aus dem ersten Fenster"
    assert concept.lock_version == 2


def test_a_step_on_a_stale_submission_is_refused(db, cast, outbox):
    """A reviewer approves what they saw while the partner withdrew it in the meantime."""
    concept = _submission(db, "concept", cast["org_a"], S.SUBMITTED)
    assert concept.status == S.SUBMITTED  # what the reviewer has on screen
    with Session(db.engine) as other:
        other.get(Concept, concept.id).status = S.DRAFT
        other.commit()
    with pytest.raises(StaleDataError):
        apply_transition(concept, "approve", cast["reviewer"])
    db.session.rollback()
    assert _stored(db, concept)["status"] == S.DRAFT
    assert _count(db, AuditEntry) == 0
    assert outbox() == []


# --- outsiders: nobody outside organisation A and the ministry moves A's submissions -------------


@pytest.mark.parametrize("who", ["anonymous", "editor_b", "admin_b"])
@pytest.mark.parametrize("action", list(TRANSITIONS))
@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("kind", ["concept", "report"])
def test_outsiders_can_do_nothing_in_any_state(db, cast, kind, status, action, who):
    from flask_login import AnonymousUserMixin

    actors = {
        "anonymous": AnonymousUserMixin(),
        "editor_b": factories.UserFactory(role="partner_editor", organisation=cast["org_b"]),
        "admin_b": cast["admin_b"],
    }
    db.session.commit()
    submission = _submission(db, kind, cast["org_a"], status)
    actor = actors[who]
    assert allowed_actions(actor, submission) == []
    before = _stored(db, submission)
    with pytest.raises(TransitionError):
        apply_transition(submission, action, actor, comment=COMMENT)
    _assert_nothing_changed(db, submission, before)


@pytest.mark.parametrize(
    ("action", "status"), [("request_changes", S.SUBMITTED), ("reopen", S.APPROVED)]
)
def test_a_new_change_request_starts_the_reminder_clock_again(db, cast, action, status):
    """portal.reminders reminds once per change request: a later `changes_requested_at` than
    `reminder_sent_at` makes the submission due again."""
    concept = _submission(
        db, "concept", cast["org_a"], status, reminder_sent_at=LONG_AGO, changes_requested_at=None
    )
    apply_transition(concept, action, cast["reviewer"], comment=COMMENT)
    db.session.expire_all()
    assert concept.changes_requested_at > concept.reminder_sent_at == LONG_AGO
