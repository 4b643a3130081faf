"""The partner's concept pages over HTTP: the organisation's concept page, start and amend,
history, reading and answering comments, check your answers, submit and withdraw (409 in the
wrong state), no internal comment on any partner page, constant query counts. The edit pages
are tested in test_concepts_edit_views.py."""

import html
import re

import pytest
from sqlalchemy import select

from portal import audit, comments
from portal.models import Comment, Concept, SubmissionStatus
from tests import factories
from tests.test_concepts_services import approved_concept, complete_measure

pytestmark = pytest.mark.db


@pytest.fixture(autouse=True)
def english(cast, db):
    """The cast reads the portal in English, so the tests do not depend on the German catalog."""
    for role in ("editor_a", "admin_a", "admin_b", "reviewer", "admin"):
        cast[role].locale = "en"
    db.session.commit()


def page_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" type="hidden" value="([^"]*)"', page)
    assert match, f"no hidden field {name}"
    return match.group(1)


def draft(cast, db, **fields):
    concept = factories.ConceptFactory(organisation=cast["org_a"], **fields)
    db.session.commit()
    return concept


def sections(**overrides):
    data = {"initial_situation": "Start", "goals": "Ziele", "steering": "Steuerung"}
    data.update(overrides)
    return data


def measure_form(**overrides):
    data = {
        "field_of_action_id": str(factories.field_of_action_id()),
        "title": "Ausbildungsmessen",
        "description": "An Schulen",
        "target_group": "Jugendliche",
        "indicator_id": "",
        "indicator_text": "Bewerbungen",
        "baseline": "1.234,5",
        "target_value": "12,5",
        "target_year": "2027",
        "start_date": "2025-01-01",
        "end_date": "31.12.2027",
        "responsible_unit": "Personalamt",
        "share_as_good_practice": "y",
    }
    data.update(overrides)
    return data


# --- the organisation's concept page, start and amend --------------------------------------------


def test_without_concept_the_partner_admin_starts_one(client, cast, login_as, db):
    org = cast["org_a"]
    login_as(cast["admin_a"])
    page = page_of(client.get(f"/organisationen/{org.id}/konzept"))
    assert "Start your concept" in page
    assert f'action="/organisationen/{org.id}/konzept/beginnen"' in page

    response = client.post(f"/organisationen/{org.id}/konzept/beginnen")
    concept = db.session.scalars(select(Concept)).one()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/konzepte/{concept.id}/bearbeiten"
    assert "Your concept is started" in page_of(client.get(response.headers["Location"]))

    again = client.post(f"/organisationen/{org.id}/konzept/beginnen")
    assert again.status_code == 409
    assert "already been started" in page_of(again)


def test_editors_see_who_can_start_and_submit(client, cast, login_as, db):
    org = cast["org_a"]
    login_as(cast["editor_a"])
    page = page_of(client.get(f"/organisationen/{org.id}/konzept"))
    assert f"Your partner admin ({cast['admin_a'].name}) can start it" in page
    assert "/beginnen" not in page
    assert client.post(f"/organisationen/{org.id}/konzept/beginnen").status_code == 403

    draft(cast, db)
    page = page_of(client.get(f"/organisationen/{org.id}/konzept"))
    assert f"Only a partner admin can submit the concept: {cast['admin_a'].name}." in page


def test_the_page_shows_the_concept_in_force_and_the_version_being_worked_on(
    client, cast, login_as, db
):
    in_force = approved_concept(cast["org_a"], measures=3)
    db.session.commit()
    login_as(cast["admin_a"])
    url = f"/organisationen/{cast['org_a'].id}/konzept"
    page = page_of(client.get(url))
    assert "Your concept is in force" in page
    assert "/konzept/aendern" in page

    response = client.post(f"{url}/aendern")
    assert response.status_code == 302
    page = page_of(client.get(url))
    assert "Version 2 (being worked on)" in page
    assert "Continue writing version 2" in page
    assert f"/konzepte/{in_force.id}/druck" in page
    assert "/konzept/aendern" not in page

    refused = client.post(f"{url}/aendern")
    assert refused.status_code == 409
    assert "Version 2 is already being worked on" in page_of(refused)
    assert db.session.query(Concept).count() == 2


def test_amend_without_approved_concept_is_explained(client, cast, login_as, db):
    draft(cast, db)
    login_as(cast["admin_a"])
    response = client.post(f"/organisationen/{cast['org_a'].id}/konzept/aendern")
    assert response.status_code == 409
    assert "no approved concept" in page_of(response)


def test_history_shows_who_did_what_but_never_internal_comments_to_partners(
    client, cast, login_as, db, auth
):
    concept = draft(cast, db)
    audit.record("concept_started", concept, actor=cast["admin_a"])
    db.session.commit()
    comments.add_comment(concept, cast["reviewer"], "Sichtbare Frage")
    comments.add_comment(concept, cast["reviewer"], "Geheime Notiz", internal=True)
    url = f"/organisationen/{cast['org_a'].id}/konzept/verlauf"

    login_as(cast["editor_a"])
    page = page_of(client.get(url))
    assert "Concept started" in page
    assert cast["admin_a"].name in page
    assert "Sichtbare Frage" in page
    assert "Geheime Notiz" not in page
    assert page.count("Comment written") == 1

    auth.logout()
    login_as(cast["reviewer"])
    page = page_of(client.get(url))
    assert "Geheime Notiz" in page
    assert page.count("Comment written") == 2


# --- reading, printing, answering ----------------------------------------------------------------


def test_partners_read_visible_comments_and_answer_them(client, cast, login_as, db, outbox):
    concept = draft(cast, db, status=SubmissionStatus.CHANGES_REQUESTED)
    measure = complete_measure(concept)
    db.session.commit()
    question = comments.add_comment(
        concept, cast["reviewer"], "Bitte Zielwert begründen", measure_lineage_id=measure.lineage_id
    )
    comments.add_comment(concept, cast["reviewer"], "Interner Vermerk", internal=True)

    login_as(cast["editor_a"])
    page = page_of(client.get(f"/konzepte/{concept.id}"))
    assert "Bitte Zielwert begründen" in page
    assert "Interner Vermerk" not in page
    assert f"/konzepte/{concept.id}/kommentare?reply_to={question.id}" in page

    response = client.post(
        f"/konzepte/{concept.id}/kommentare?reply_to={question.id}",
        data={f"answer-{question.id}-body": "Weil <script>alert(1)</script> wir wachsen"},
    )
    assert response.status_code == 302
    answer = db.session.scalars(select(Comment).where(Comment.reply_to_id == question.id)).one()
    assert answer.measure_lineage_id == measure.lineage_id
    assert outbox()[-1].recipient == cast["reviewer"].email
    raw = client.get(f"/konzepte/{concept.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert "<script>alert(1)" not in raw


def test_an_empty_answer_is_explained_and_an_internal_comment_cannot_be_answered(
    client, cast, login_as, db
):
    concept = draft(cast, db)
    internal = comments.add_comment(concept, cast["reviewer"], "Intern", internal=True)
    login_as(cast["admin_a"])
    empty = client.post(f"/konzepte/{concept.id}/kommentare", data={"comment-body": " "})
    assert empty.status_code == 422
    assert "Please write a comment." in page_of(empty)

    too_long = client.post(f"/konzepte/{concept.id}/kommentare", data={"comment-body": "x" * 5001})
    assert too_long.status_code == 422
    assert "5000 characters" in page_of(too_long)
    assert "x" * 5001 in page_of(too_long)

    refused = client.post(
        f"/konzepte/{concept.id}/kommentare?reply_to={internal.id}",
        data={f"answer-{internal.id}-body": "Antwort"},
    )
    assert refused.status_code == 409
    assert "Intern" not in page_of(refused).replace("Internal", "")
    assert db.session.query(Comment).count() == 1


def test_another_organisation_and_the_ministry_cannot_comment_here(client, cast, login_as, db):
    concept = draft(cast, db)
    login_as(cast["admin_b"])
    assert client.get(f"/konzepte/{concept.id}").status_code == 403
    response = client.post(f"/konzepte/{concept.id}/kommentare", data={"comment-body": "Hallo"})
    assert response.status_code == 403
    assert db.session.query(Comment).count() == 0


def test_the_print_view_has_no_navigation(client, cast, login_as, db):
    concept = approved_concept(cast["org_a"], measures=2)
    db.session.commit()
    login_as(cast["reviewer"])
    page = page_of(client.get(f"/konzepte/{concept.id}/druck"))
    assert "portal-nav" not in page
    assert "<h1" in page
    assert "Measure 2: Maßnahme 2" in page
    assert 'media="print"' in page


# --- check your answers, submit, withdraw --------------------------------------------------------


def test_check_lists_each_missing_answer_with_a_link_to_the_field(client, cast, login_as, db):
    concept = draft(cast, db, goals="")
    measure = complete_measure(concept, target_value=None)
    db.session.commit()
    login_as(cast["editor_a"])
    page = page_of(client.get(f"/konzepte/{concept.id}/pruefen"))
    assert "2 answers are still missing" in page
    assert f'href="/konzepte/{concept.id}/bearbeiten#goals"' in page
    assert f'href="/konzepte/{concept.id}/massnahmen/{measure.id}#target_value"' in page
    assert "please enter the target value" in page
    assert "/einreichen" not in page
    # The linked field exists on the edit pages.
    assert 'id="goals"' in page_of(client.get(f"/konzepte/{concept.id}/bearbeiten"))
    measure_page = page_of(client.get(f"/konzepte/{concept.id}/massnahmen/{measure.id}"))
    assert 'id="target_value"' in measure_page


def test_a_complete_concept_is_submitted_by_the_partner_admin(
    client, cast, login_as, db, outbox, auth
):
    concept = draft(cast, db)
    complete_measure(concept)
    db.session.commit()
    login_as(cast["editor_a"])
    page = page_of(client.get(f"/konzepte/{concept.id}/pruefen"))
    assert f"Your partner admin ({cast['admin_a'].name}) can now submit" in page
    assert "/einreichen" not in page
    assert client.post(f"/konzepte/{concept.id}/einreichen").status_code == 403

    auth.logout()
    login_as(cast["admin_a"])
    page = page_of(client.get(f"/konzepte/{concept.id}/pruefen"))
    assert f'action="/konzepte/{concept.id}/einreichen"' in page
    response = client.post(
        f"/konzepte/{concept.id}/einreichen", data={"lock_version": hidden(page, "lock_version")}
    )
    assert response.status_code == 302
    assert "is submitted" in page_of(client.get(response.headers["Location"]))
    db.session.expire_all()
    assert db.session.get(Concept, concept.id).status == SubmissionStatus.SUBMITTED
    assert outbox()[-1].recipient == cast["reviewer"].email

    again = client.post(f"/konzepte/{concept.id}/einreichen", data={})
    assert again.status_code == 409
    assert "not possible in the current state" in page_of(again)


def test_submitting_an_incomplete_concept_is_refused_with_the_list(client, cast, login_as, db):
    concept = draft(cast, db, steering="")
    login_as(cast["admin_a"])
    response = client.post(
        f"/konzepte/{concept.id}/einreichen", data={"lock_version": concept.lock_version}
    )
    page = page_of(response)
    assert response.status_code == 409
    assert "not complete" in page
    assert f'href="/konzepte/{concept.id}/bearbeiten#steering"' in page
    assert f'href="/konzepte/{concept.id}/bearbeiten#add-measure"' in page


def test_withdraw_in_the_wrong_state_and_in_the_right_one(client, cast, login_as, db):
    concept = draft(cast, db)
    login_as(cast["admin_a"])
    refused = client.post(f"/konzepte/{concept.id}/zurueckziehen")
    assert refused.status_code == 409
    assert "not possible in the current state" in page_of(refused)

    concept.status = SubmissionStatus.SUBMITTED
    db.session.commit()
    page = page_of(client.get(f"/organisationen/{cast['org_a'].id}/konzept"))
    assert f'action="/konzepte/{concept.id}/zurueckziehen"' in page
    response = client.post(f"/konzepte/{concept.id}/zurueckziehen")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Concept, concept.id).status == SubmissionStatus.DRAFT


# --- constant query counts -----------------------------------------------------------------------


def _with_measures(db, organisation, n, reviewer):
    concept = factories.ConceptFactory(organisation=organisation)
    for position in range(1, n + 1):
        complete_measure(concept, position=position, title=f"M{position}")
    db.session.commit()
    comments.add_comment(concept, reviewer, "Frage")
    return concept


@pytest.mark.parametrize(
    "path", ["/konzepte/{id}/bearbeiten", "/konzepte/{id}", "/konzepte/{id}/pruefen"]
)
def test_concept_pages_use_the_same_number_of_queries_for_3_and_30_measures(
    client, cast, login_as, auth, db, count_queries, path
):
    small = _with_measures(db, cast["org_a"], 3, cast["reviewer"])
    big = _with_measures(db, factories.OrganisationFactory(), 30, cast["reviewer"])
    big_editor = factories.UserFactory(role="partner_editor", organisation=big.organisation)
    db.session.commit()
    counts = []
    for concept, user in ((small, cast["editor_a"]), (big, big_editor)):
        auth.logout()
        login_as(user)
        client.get(path.format(id=concept.id))  # warm up (first request of a session)
        with count_queries() as counter:
            response = client.get(path.format(id=concept.id))
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_overview_and_history_use_the_same_number_of_queries_for_3_and_30_versions(
    client, cast, login_as, db, count_queries
):
    counts = {}
    for n, organisation in ((3, cast["org_a"]), (30, cast["org_b"])):
        for number in range(1, n + 1):
            status = SubmissionStatus.APPROVED if number < n else SubmissionStatus.DRAFT
            concept = factories.ConceptFactory(
                organisation=organisation, version_number=number, status=status
            )
            for position in range(1, n + 1):
                factories.MeasureFactory(concept=concept, position=position)
            audit.record("concept_amended", concept, actor=cast["admin_a"])
        db.session.commit()
        login_as(cast["reviewer"])
        for name in ("overview", "history"):
            url = f"/organisationen/{organisation.id}/konzept"
            url += "/verlauf" if name == "history" else ""
            client.get(url)
            with count_queries() as counter:
                response = client.get(url)
            assert response.status_code == 200
            counts[(name, n)] = counter.count
    assert counts[("overview", 3)] == counts[("overview", 30)], counts
    assert counts[("history", 3)] == counts[("history", 30)], counts


def test_no_partner_page_ever_shows_an_internal_comment(client, cast, login_as, db):
    concept = draft(cast, db, status=SubmissionStatus.CHANGES_REQUESTED)
    measure = complete_measure(concept)
    db.session.commit()
    comments.add_comment(
        concept,
        cast["reviewer"],
        "Vertraulich-1",
        internal=True,
        measure_lineage_id=measure.lineage_id,
    )
    comments.add_comment(concept, cast["reviewer"], "Vertraulich-2", internal=True)
    visible = comments.add_comment(concept, cast["reviewer"], "Öffentlich")
    comments.add_comment(
        concept, cast["reviewer"], "Vertraulich-3", reply_to=visible, internal=True
    )
    org = cast["org_a"].id
    pages = [
        f"/organisationen/{org}/konzept",
        f"/organisationen/{org}/konzept/verlauf",
        f"/konzepte/{concept.id}",
        f"/konzepte/{concept.id}/druck",
        f"/konzepte/{concept.id}/bearbeiten",
        f"/konzepte/{concept.id}/pruefen",
        f"/konzepte/{concept.id}/massnahmen/{measure.id}",
    ]
    for role in ("editor_a", "admin_a"):
        login_as(cast[role])
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            assert "Vertraulich" not in page_of(response), f"{url} as {role}"
        assert "Öffentlich" in page_of(client.get(f"/konzepte/{concept.id}"))
        client.post("/abmelden")
