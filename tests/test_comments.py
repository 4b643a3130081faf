"""Comments on concepts and reports (portal.comments): who reads what, answers, refusals, the
audit entry and the e-mail to the other side. The rule that matters most: an internal comment,
and every answer to it, never reaches a partner."""

import pytest
from sqlalchemy import func, select

from portal.comments import MAX_COMMENT_LENGTH, CommentRefused, add_comment, comments_for
from portal.models import AuditEntry, Comment, OutboxMessage, SubmissionStatus
from tests import factories

pytestmark = pytest.mark.db

SECRET = "Intern: Zahlen wirken geschönt, bitte mit Referatsleitung klären."


@pytest.fixture(autouse=True)
def _in_a_request(app):
    """Refusals carry lazy messages that need a request's locale."""
    with app.test_request_context("/"):
        yield


@pytest.fixture
def concept(db, cast):
    for key in ("editor_a", "admin_a", "admin_b", "reviewer", "admin"):
        cast[key].locale = "en"
    concept = factories.ConceptFactory(
        organisation=cast["org_a"], status=SubmissionStatus.SUBMITTED
    )
    factories.MeasureFactory(concept=concept, lineage_id="m1")
    db.session.commit()
    return concept


def _bodies(threads):
    return [(t.comment.body, [a.body for a in t.answers]) for t in threads]


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


# --- reading ------------------------------------------------------------------------------------


def test_partners_never_see_internal_comments_or_answers_to_them(db, cast, concept):
    visible = add_comment(concept, cast["reviewer"], "Bitte Ziele präzisieren.")
    internal = add_comment(concept, cast["reviewer"], SECRET, internal=True)
    add_comment(concept, cast["admin"], "Interne Antwort.", reply_to=internal)
    add_comment(concept, cast["admin_a"], "Machen wir.", reply_to=visible)
    add_comment(
        concept, cast["admin"], "Intern zur sichtbaren Frage.", reply_to=visible, internal=True
    )

    for partner in ("editor_a", "admin_a"):
        assert _bodies(comments_for(concept, cast[partner])) == [
            ("Bitte Ziele präzisieren.", ["Machen wir."])
        ]
    for ministry in ("reviewer", "admin"):
        assert _bodies(comments_for(concept, cast[ministry])) == [
            ("Bitte Ziele präzisieren.", ["Machen wir.", "Intern zur sichtbaren Frage."]),
            (SECRET, ["Interne Antwort."]),
        ]


def test_comments_of_other_submissions_are_not_listed(db, cast, concept):
    other = factories.ConceptFactory(organisation=cast["org_b"], status=SubmissionStatus.SUBMITTED)
    report = factories.ReportFactory(organisation=cast["org_a"])
    db.session.commit()
    add_comment(other, cast["reviewer"], "Für B.")
    add_comment(report, cast["reviewer"], "Zum Bericht.")
    add_comment(concept, cast["reviewer"], "Zum Konzept.")
    assert _bodies(comments_for(concept, cast["reviewer"])) == [("Zum Konzept.", [])]
    assert _bodies(comments_for(report, cast["admin_a"])) == [("Zum Bericht.", [])]


def test_reading_comments_takes_the_same_queries_however_many(db, cast, concept, count_queries):
    def queries_for_listing():
        db.session.expire_all()
        assert concept.id  # loaded before counting
        with count_queries() as counter:
            comments_for(concept, cast["reviewer"])
        return counter.count

    for _ in range(2):
        first = add_comment(concept, cast["reviewer"], "Frage")
        add_comment(concept, cast["admin_a"], "Antwort", reply_to=first)
    few = queries_for_listing()
    for _ in range(20):
        first = add_comment(concept, cast["admin"], "Frage")
        add_comment(concept, cast["editor_a"], "Antwort", reply_to=first)
    # The comments and their authors: two queries for 4 comments and for 44.
    assert queries_for_listing() == few == 2


# --- writing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["", "   \n\t ", None])
def test_an_empty_comment_is_refused(db, cast, concept, body):
    with pytest.raises(CommentRefused):
        add_comment(concept, cast["reviewer"], body)
    assert _count(db, Comment) == 0


def test_a_comment_may_be_as_long_as_the_limit_but_not_longer(db, cast, concept):
    with pytest.raises(CommentRefused) as refused:
        add_comment(concept, cast["reviewer"], "x" * (MAX_COMMENT_LENGTH + 1))
    assert str(MAX_COMMENT_LENGTH) in str(refused.value.reason)
    add_comment(concept, cast["reviewer"], "x" * MAX_COMMENT_LENGTH)
    assert _count(db, Comment) == 1


def test_text_is_stored_trimmed_and_as_typed(db, cast, concept):
    comment = add_comment(concept, cast["reviewer"], "  <script>alert(1)</script> & Co.\n")
    assert comment.body == "<script>alert(1)</script> & Co."


def test_a_partner_of_another_organisation_cannot_comment(db, cast, concept):
    with pytest.raises(CommentRefused):
        add_comment(concept, cast["admin_b"], "Fremd.")
    assert _count(db, Comment) == 0


def test_partners_cannot_write_internal_comments(db, cast, concept):
    with pytest.raises(CommentRefused):
        add_comment(concept, cast["admin_a"], "Geheim?", internal=True)
    assert _count(db, Comment) == 0


def test_a_partner_cannot_answer_an_internal_comment(db, cast, concept):
    internal = add_comment(concept, cast["reviewer"], SECRET, internal=True)
    with pytest.raises(CommentRefused):
        add_comment(concept, cast["admin_a"], "Ich antworte trotzdem.", reply_to=internal)
    assert _count(db, Comment) == 1


def test_an_answer_must_belong_to_the_same_submission(db, cast, concept):
    other = factories.ConceptFactory(organisation=cast["org_a"], version_number=2)
    db.session.commit()
    question = add_comment(other, cast["reviewer"], "Frage zu Version 2.")
    with pytest.raises(CommentRefused):
        add_comment(concept, cast["reviewer"], "Antwort am falschen Ort.", reply_to=question)
    assert _count(db, Comment) == 1


def test_answers_join_the_thread_of_what_they_answer(db, cast, concept):
    question = add_comment(concept, cast["reviewer"], "Zur Maßnahme.", measure_lineage_id="m1")
    answer = add_comment(concept, cast["admin_a"], "Erste Antwort.", reply_to=question)
    answer_to_answer = add_comment(
        concept, cast["reviewer"], "Antwort auf die Antwort.", reply_to=answer
    )
    # Answers hang on the first comment and keep its measure.
    assert answer_to_answer.reply_to_id == question.id
    assert answer.measure_lineage_id == answer_to_answer.measure_lineage_id == "m1"


def test_answers_to_internal_comments_stay_internal(db, cast, concept):
    internal = add_comment(concept, cast["reviewer"], SECRET, internal=True)
    answer = add_comment(concept, cast["admin"], "Sehe ich auch so.", reply_to=internal)
    assert answer.is_internal


def test_a_comment_is_recorded_in_the_audit_log_without_internal_text_in_the_comment(
    db, cast, concept
):
    visible = add_comment(concept, cast["reviewer"], "Sichtbar.")
    internal = add_comment(concept, cast["reviewer"], SECRET, internal=True)
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "comment_added").order_by(AuditEntry.id)
    ).all()
    assert [(e.object_type, e.object_id, e.actor_id) for e in entries] == [
        ("concept", concept.id, cast["reviewer"].id)
    ] * 2
    assert entries[0].comment == "Sichtbar."
    assert entries[0].data["comment_id"] == str(visible.id)
    assert entries[1].comment == ""
    assert entries[1].data["internal_comment"] == SECRET
    assert entries[1].data["comment_id"] == str(internal.id)


# --- e-mail to the other side ---------------------------------------------------------------------


def test_a_visible_ministry_comment_is_sent_to_the_organisations_users(db, cast, concept, outbox):
    add_comment(concept, cast["reviewer"], "Bitte Ziele präzisieren.")
    messages = outbox()
    assert sorted(m.recipient for m in messages) == sorted(
        [cast["editor_a"].email, cast["admin_a"].email]
    )
    for message in messages:
        assert message.subject == "The ministry has commented on your concept"
        assert "Bitte Ziele präzisieren." in message.body


def test_an_internal_comment_sends_no_mail(db, cast, concept, outbox):
    add_comment(concept, cast["reviewer"], SECRET, internal=True)
    assert outbox() == []


def test_a_partner_comment_goes_to_the_assigned_reviewer_only(db, cast, concept, outbox):
    colleague = factories.UserFactory(role="reviewer", organisation=None, locale="en")
    concept.assigned_reviewer = colleague
    db.session.commit()
    add_comment(concept, cast["admin_a"], "Frage an das Ministerium.")
    (message,) = outbox()
    assert message.recipient == colleague.email
    assert message.subject == "New comment from Organisation A on its concept"


def test_a_partner_comment_without_assigned_reviewer_goes_to_all_active_reviewers(
    db, cast, concept, outbox
):
    colleague = factories.UserFactory(role="reviewer", organisation=None)
    factories.UserFactory(role="reviewer", organisation=None, is_active_account=False)
    db.session.commit()
    add_comment(concept, cast["editor_a"], "Frage.")
    assert sorted(m.recipient for m in outbox()) == sorted(
        [cast["reviewer"].email, colleague.email]
    )


def test_a_refused_comment_leaves_nothing_behind(db, cast, concept):
    with pytest.raises(CommentRefused):
        add_comment(concept, cast["admin_b"], "Fremd.")
    db.session.rollback()
    assert _count(db, Comment) == 0
    assert _count(db, AuditEntry) == 0
    assert _count(db, OutboxMessage) == 0
