"""Reviewers' comments on the review page: on the whole concept or one measure, visible to the
partner or internal, answers, bad input — and no partner page ever shows an internal comment."""

import pytest
from sqlalchemy import select

from portal.comments import MAX_COMMENT_LENGTH, add_comment
from portal.models import Comment
from tests.review_support import in_english, page_of, submitted_concept

pytestmark = pytest.mark.db

SECRET = "Intern: Zahlen wirken geschönt, Rücksprache mit der Referatsleitung."


@pytest.fixture
def english(db, cast):
    return in_english(cast)


@pytest.fixture
def concept(english):
    return submitted_concept(english["org_a"])


def _post(client, concept, data, reply_to=None):
    url = f"/ministerium/konzepte/{concept.id}/kommentare"
    if reply_to is not None:
        url += f"?reply_to={reply_to}"
    return client.post(url, data=data)


def test_a_visible_comment_on_the_whole_concept_reaches_the_partner(
    client, english, login_as, db, concept, outbox
):
    login_as(english["reviewer"])
    response = _post(
        client, concept, {"measure": "", "visibility": "visible", "body": "Bitte Ziele beziffern."}
    )
    comment = db.session.scalars(select(Comment)).one()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/ministerium/konzepte/{concept.id}#comment-{comment.id}"
    )
    assert (comment.is_internal, comment.measure_lineage_id) == (False, None)
    assert sorted(m.recipient for m in outbox()) == sorted(
        [english["editor_a"].email, english["admin_a"].email]
    )
    page = page_of(client, concept)
    assert "Your comment is saved. The organisation can read it" in page
    thread = page.split(f'id="comment-{comment.id}"', 1)[1]
    assert "Visible to the partner" in thread.split("</article>")[0]
    assert "On the whole concept" in thread.split("</article>")[0]


def test_an_internal_comment_on_a_measure_is_marked_and_sent_to_nobody(
    client, english, login_as, db, concept, outbox
):
    login_as(english["reviewer"])
    _post(client, concept, {"measure": "lineage1", "visibility": "internal", "body": SECRET})
    comment = db.session.scalars(select(Comment)).one()
    assert (comment.is_internal, comment.measure_lineage_id) == (True, "lineage1")
    assert outbox() == []
    page = page_of(client, concept)
    assert "Only ministry staff can read it." in page  # the flash
    article = page.split(f'id="comment-{comment.id}"', 1)[1].split("</article>")[0]
    # A badge and a sentence, not colour alone.
    assert "Internal – ministry only" in article
    assert "Internal comment: only ministry staff can read it." in article
    assert "On the measure “Maßnahme Nummer 2”" in article


def test_the_comment_form_offers_the_concept_and_each_measure_and_defaults_to_visible(
    client, english, login_as, concept
):
    login_as(english["reviewer"])
    page = page_of(client, concept)
    form = page.split('id="new-comment"', 1)[1]
    assert '<option selected value="">The whole concept</option>' in form
    assert '<option value="lineage0">Measure 1: Maßnahme Nummer 1</option>' in form
    assert 'checked class="kern-form-check__radio" id="visibility-0"' in form
    assert 'value="visible"' in form.split('id="visibility-0"', 1)[1].split(">", 1)[0]
    assert "Internal: only ministry staff can read it" in form


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"measure": "", "visibility": "visible", "body": "   "}, "Please write a comment."),
        (
            {"measure": "", "visibility": "internal", "body": "x" * (MAX_COMMENT_LENGTH + 1)},
            f"Please shorten the text to {MAX_COMMENT_LENGTH} characters.",
        ),
        (
            {"measure": "nope", "visibility": "visible", "body": "<b>Fett</b> & mehr"},
            "Choose one of the options in the list.",
        ),
        ({"measure": "", "visibility": "shouting", "body": "<b>Fett</b> & mehr"}, "Not a valid"),
    ],
)
def test_bad_input_is_explained_and_kept(
    client, english, login_as, db, concept, outbox, data, message
):
    login_as(english["reviewer"])
    response = _post(client, concept, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-summary"' in page
    assert message in page
    if data["body"].strip():
        kept = data["body"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert kept in page
    if data["visibility"] == "internal":
        assert 'checked class="kern-form-check__radio" id="visibility-1"' in page
    assert db.session.scalars(select(Comment)).all() == []
    assert outbox() == []


def test_html_in_a_comment_is_shown_as_text(client, english, login_as, db, concept):
    login_as(english["reviewer"])
    _post(
        client,
        concept,
        {"measure": "", "visibility": "visible", "body": "<script>alert(1)</script>"},
    )
    page = page_of(client, concept)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_answers_to_a_visible_and_to_an_internal_comment(
    client, english, login_as, db, concept, outbox
):
    question = add_comment(concept, english["admin_a"], "Reicht das so?")
    internal = add_comment(concept, english["admin"], SECRET, internal=True)
    login_as(english["reviewer"])
    page = page_of(client, concept)
    # An internal thread's answer form says answers stay internal and offers no choice.
    internal_form = page.split(f"reply_to={internal.id}", 1)[1].split("</form>", 1)[0]
    assert "Answers to an internal comment stay internal" in internal_form
    assert 'type="radio"' not in internal_form

    response = _post(
        client,
        concept,
        {f"reply-{question.id}-visibility": "visible", f"reply-{question.id}-body": "Ja, danke."},
        reply_to=question.id,
    )
    assert response.status_code == 302
    _post(client, concept, {f"reply-{internal.id}-body": "Stimmt."}, reply_to=internal.id)
    answers = db.session.scalars(
        select(Comment).where(Comment.reply_to_id.is_not(None)).order_by(Comment.id)
    ).all()
    assert [(a.body, a.reply_to_id, a.is_internal) for a in answers] == [
        ("Ja, danke.", question.id, False),
        ("Stimmt.", internal.id, True),
    ]
    # The partner who asked hears about the visible answer only.
    assert [m.body.count("Ja, danke.") for m in outbox() if "Ja, danke." in m.body]
    assert not [m for m in outbox() if "Stimmt." in m.body]


def test_an_empty_answer_is_refused_in_its_own_form(client, english, login_as, db, concept):
    question = add_comment(concept, english["admin_a"], "Reicht das so?")
    login_as(english["reviewer"])
    response = _post(
        client,
        concept,
        {f"reply-{question.id}-visibility": "visible", f"reply-{question.id}-body": ""},
        reply_to=question.id,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    # The answer form of that thread is open and shows the error at its field.
    assert f'id="reply-{question.id}-body-error"' in page
    assert '<details class="portal-thread__reply" open>' in page
    assert db.session.scalars(select(Comment)).all() == [db.session.get(Comment, question.id)]


def test_an_answer_to_a_comment_that_does_not_exist_is_refused(
    client, english, login_as, db, concept
):
    login_as(english["reviewer"])
    response = _post(
        client,
        concept,
        {"reply-4242-visibility": "visible", "reply-4242-body": "Antwort ins Leere"},
        reply_to=4242,
    )
    assert response.status_code == 409
    assert "The comment you are answering no longer exists." in response.get_data(as_text=True)
    assert db.session.scalars(select(Comment)).all() == []


def test_an_answer_to_a_comment_on_another_concept_is_refused(
    client, english, login_as, db, concept
):
    other = submitted_concept(english["org_b"])
    foreign = add_comment(other, english["reviewer"], "Zu B.")
    login_as(english["reviewer"])
    response = _post(
        client,
        concept,
        {f"reply-{foreign.id}-visibility": "visible", f"reply-{foreign.id}-body": "Falsch hier"},
        reply_to=foreign.id,
    )
    assert response.status_code == 409
    assert db.session.scalars(select(Comment).where(Comment.body == "Falsch hier")).all() == []


# --- no partner ever sees an internal comment -------------------------------------------------------


PARTNER_PAGES = (
    "/organisationen/{org}",
    "/organisationen/{org}/konzept",
    "/organisationen/{org}/konzept/verlauf",
    "/konzepte/{concept}",
    "/konzepte/{concept}/druck",
    "/konzepte/{concept}/pruefen",
    "/konzepte/{concept}/bearbeiten",
    "/konzepte/{concept}/massnahmen/{measure}",
)


@pytest.mark.parametrize("who", ["editor_a", "admin_a", "admin_b"])
def test_no_partner_page_shows_an_internal_comment(client, english, login_as, db, concept, who):
    visible = add_comment(concept, english["reviewer"], "Sichtbar für den Partner.")
    internal = add_comment(concept, english["reviewer"], SECRET, internal=True)
    add_comment(
        concept,
        english["admin"],
        "Interne Antwort auf Sichtbares.",
        reply_to=visible,
        internal=True,
    )
    add_comment(concept, english["admin"], "Interne Antwort auf Internes.", reply_to=internal)
    add_comment(
        concept,
        english["reviewer"],
        "Intern zur Maßnahme.",
        internal=True,
        measure_lineage_id="lineage0",
    )
    # The concept goes back to the partner, who now reads and edits it.
    concept.status = concept.status.CHANGES_REQUESTED
    db.session.commit()

    login_as(english[who])
    shown_somewhere = False
    for pattern in PARTNER_PAGES:
        url = pattern.format(
            org=concept.organisation_id, concept=concept.id, measure=concept.measures[0].id
        )
        response = client.get(url)
        if who == "admin_b":
            assert response.status_code in (403, 404), url
            continue
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        for secret in (SECRET, "Interne Antwort", "Intern zur Maßnahme", "Rücksprache"):
            assert secret not in page, f"{secret!r} on {url}"
        shown_somewhere = shown_somewhere or "Sichtbar für den Partner." in page
    if who != "admin_b":
        assert shown_somewhere, "the visible comment is shown on the partner's concept page"
