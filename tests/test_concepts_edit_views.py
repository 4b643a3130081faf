"""The concept's edit pages over HTTP: sections, measures (add, edit, remove, move) and autosave;
bad input kept and explained at the field, the conflict flow, refusals with 409."""

import html
import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal import comments
from portal.models import AuditEntry, Concept, Measure, SubmissionStatus
from tests import factories
from tests.test_concepts_services import complete_measure
from tests.test_concepts_views import (  # noqa: F401 - english is an autouse fixture
    draft,
    english,
    hidden,
    measure_form,
    page_of,
    sections,
)

pytestmark = pytest.mark.db

# --- editing the sections ------------------------------------------------------------------------


def test_editor_saves_sections_and_returns_later(client, cast, login_as, db):
    concept = draft(cast, db, goals="")
    login_as(cast["editor_a"])
    page = page_of(client.get(f"/konzepte/{concept.id}/bearbeiten"))
    assert f'data-autosave-url="/konzepte/{concept.id}/autosave"' in page
    assert "js/autosave.js" in page
    data = sections(
        goals="Mehr <script>Vielfalt</script>",
        steering="",
        lock_version=hidden(page, "lock_version"),
        base_digest=hidden(page, "base_digest"),
    )
    response = client.post(f"/konzepte/{concept.id}/bearbeiten", data=data)
    assert response.status_code == 302
    assert "Saved." in page_of(client.get(response.headers["Location"]))
    db.session.expire_all()
    saved = db.session.get(Concept, concept.id)
    assert saved.goals == "Mehr <script>Vielfalt</script>"
    assert saved.steering == ""
    raw = client.get(f"/konzepte/{concept.id}").get_data(as_text=True)
    assert "Mehr &lt;script&gt;Vielfalt&lt;/script&gt;" in raw


def test_save_and_check_goes_to_the_check_page(client, cast, login_as, db):
    concept = draft(cast, db)
    login_as(cast["editor_a"])
    page = page_of(client.get(f"/konzepte/{concept.id}/bearbeiten"))
    data = sections(lock_version=hidden(page, "lock_version"), then="check")
    response = client.post(f"/konzepte/{concept.id}/bearbeiten", data=data)
    assert response.headers["Location"] == f"/konzepte/{concept.id}/pruefen"


def test_an_over_long_section_is_refused_and_kept(client, cast, login_as, db):
    concept = draft(cast, db)
    login_as(cast["admin_a"])
    text = "Ausgangslage " * 800
    response = client.post(
        f"/konzepte/{concept.id}/bearbeiten",
        data=sections(initial_situation=text, lock_version=concept.lock_version),
    )
    page = page_of(response)
    assert response.status_code == 422
    assert 'id="initial_situation-error"' in page
    assert "10000 characters" in page
    assert text.strip() in page
    db.session.expire_all()
    assert db.session.get(Concept, concept.id).initial_situation == "Ausgangslage"


def test_two_editors_conflict_over_http_and_the_second_keeps_their_text(client, cast, login_as, db):
    concept = draft(cast, db)
    login_as(cast["editor_a"])
    page = page_of(client.get(f"/konzepte/{concept.id}/bearbeiten"))
    opened = {
        "lock_version": hidden(page, "lock_version"),
        "base_digest": hidden(page, "base_digest"),
    }
    # Someone else saves first, from the same starting point.
    first = client.post(
        f"/konzepte/{concept.id}/bearbeiten", data={**sections(goals="Ihre Ziele"), **opened}
    )
    assert first.status_code == 302

    response = client.post(
        f"/konzepte/{concept.id}/bearbeiten", data={**sections(goals="Meine Ziele"), **opened}
    )
    page = page_of(response)
    assert response.status_code == 409
    assert "someone else saved changes" in page
    assert "Ihre Ziele" in page  # theirs, in the comparison
    assert re.search(r">\s*Meine Ziele</textarea>", page)  # mine, still in the form
    assert int(hidden(page, "lock_version")) > int(opened["lock_version"])

    again = client.post(
        f"/konzepte/{concept.id}/bearbeiten",
        data={
            **sections(goals="Meine Ziele"),
            "lock_version": hidden(page, "lock_version"),
            "base_digest": hidden(page, "base_digest"),
        },
    )
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(Concept, concept.id).goals == "Meine Ziele"


def test_a_submitted_concept_is_not_editable(client, cast, login_as, db):
    concept = draft(cast, db, status=SubmissionStatus.SUBMITTED)
    login_as(cast["editor_a"])
    response = client.get(f"/konzepte/{concept.id}/bearbeiten")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/konzepte/{concept.id}"
    # A save that arrives after the submission keeps the typed text.
    response = client.post(
        f"/konzepte/{concept.id}/bearbeiten",
        data=sections(goals="Noch getippt", lock_version=concept.lock_version),
    )
    assert response.status_code == 409
    page = page_of(response)
    assert "cannot be changed now" in page
    assert "Noch getippt" in page


def test_the_ministry_reads_but_never_edits(client, cast, login_as, db):
    concept = draft(cast, db)
    login_as(cast["reviewer"])
    assert client.get(f"/konzepte/{concept.id}").status_code == 200
    assert client.get(f"/konzepte/{concept.id}/bearbeiten").status_code == 403
    response = client.post(
        f"/konzepte/{concept.id}/bearbeiten",
        data=sections(goals="Vom Ministerium", lock_version=concept.lock_version),
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Concept, concept.id).goals == "Ziele"


# --- measures ------------------------------------------------------------------------------------


def test_a_measure_is_added_with_german_numbers(client, cast, login_as, db):
    concept = draft(cast, db)
    login_as(cast["editor_a"])
    page = page_of(client.get(f"/konzepte/{concept.id}/massnahmen/neu"))
    assert "Choose a field of action" in page
    response = client.post(
        f"/konzepte/{concept.id}/massnahmen/neu",
        data=measure_form(lock_version=hidden(page, "lock_version")),
    )
    assert response.status_code == 302
    measure = db.session.scalars(select(Measure)).one()
    assert measure.baseline == Decimal("1234.5")
    assert measure.target_value == Decimal("12.5")
    assert measure.end_date == date(2027, 12, 31)
    assert measure.share_as_good_practice is True
    assert response.headers["Location"].endswith(f"#item-{measure.lineage_id}")
    edit_page = page_of(client.get(f"/konzepte/{concept.id}/bearbeiten"))
    assert "Ausbildungsmessen" in edit_page
    assert "Complete" in edit_page
    actions = select(AuditEntry.action).where(AuditEntry.object_type == "concept")
    assert db.session.scalars(actions).all() == ["measure_added"]


def test_a_partial_measure_saves(client, cast, login_as, db):
    concept = draft(cast, db)
    login_as(cast["editor_a"])
    response = client.post(
        f"/konzepte/{concept.id}/massnahmen/neu",
        data={"field_of_action_id": str(factories.field_of_action_id(2))},
    )
    assert response.status_code == 302
    page = page_of(client.get(f"/konzepte/{concept.id}/bearbeiten"))
    assert "Measure without title" in page
    assert "8 answers missing" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"field_of_action_id": ""}, "field_of_action_id", "Choose the field of action"),
        ({"field_of_action_id": "999"}, "field_of_action_id", "Choose one of the options"),
        ({"title": "T" * 201}, "title", "200 characters"),
        ({"target_group": "G" * 301}, "target_group", "300 characters"),
        ({"indicator_text": "I" * 301}, "indicator_text", "300 characters"),
        ({"responsible_unit": "R" * 201}, "responsible_unit", "200 characters"),
        ({"target_value": "zwölf"}, "target_value", "Enter a number"),
        ({"target_value": "-3"}, "target_value", "0 or more"),
        ({"baseline": "1,234"}, "baseline", "two decimal places"),
        ({"target_year": "1999"}, "target_year", "from 2000 to 2100"),
        ({"target_year": "20x7"}, "target_year", "from 2000 to 2100"),
        ({"target_year": "2024"}, "target_year", "before the start year (2025)"),
        ({"start_date": "31.02.2025"}, "start_date", "real date"),
        ({"end_date": "2024-12-31"}, "end_date", "before the start"),
        ({"indicator_id": "1"}, "indicator_text", "not both"),
    ],
)
def test_bad_measure_input_is_explained_at_the_field_and_kept(
    client, cast, login_as, db, overrides, field, message
):
    concept = draft(cast, db)
    login_as(cast["editor_a"])
    data = measure_form(**{"title": "<script>alert('x')</script>", **overrides})
    response = client.post(f"/konzepte/{concept.id}/massnahmen/neu", data=data)
    raw = response.get_data(as_text=True)
    page = html.unescape(raw)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page
    assert message in page
    assert 'id="error-summary"' in page
    for name in ("description", "target_group", "responsible_unit"):
        if name not in overrides:
            assert data[name] in page
    if "target_value" not in overrides:
        assert 'value="12,5"' in page
    if "title" not in overrides:
        assert "&lt;script&gt;alert(" in raw
        assert "<script>alert(" not in raw
    assert db.session.query(Measure).count() == 0


def test_editing_a_measure_and_the_conflict_flow(client, cast, login_as, db):
    concept = draft(cast, db)
    measure = complete_measure(concept)
    db.session.commit()
    url = f"/konzepte/{concept.id}/massnahmen/{measure.id}"
    login_as(cast["editor_a"])
    page = page_of(client.get(url))
    assert 'value="40"' in page
    assert 'id="conflict"' not in page
    assert f'data-autosave-url="/konzepte/{concept.id}/autosave?measure_id={measure.id}"' in page
    opened = {
        "lock_version": hidden(page, "lock_version"),
        "base_digest": hidden(page, "base_digest"),
    }

    assert client.post(url, data={**measure_form(title="Von A"), **opened}).status_code == 302
    response = client.post(url, data={**measure_form(title="Von B", target_value="99"), **opened})
    page = page_of(response)
    assert response.status_code == 409
    assert "Von A" in page and 'value="Von B"' in page and 'value="99"' in page
    # Only what differs is compared: the target value and the title, not the unchanged fields.
    table = page[page.index("What differs") : page.index("</table>")]
    assert "Title" in table and "Target value" in table and "Responsible unit" not in table

    resaved = client.post(
        url,
        data={
            **measure_form(title="Von B", target_value="99"),
            "lock_version": hidden(page, "lock_version"),
            "base_digest": hidden(page, "base_digest"),
        },
    )
    assert resaved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Measure, measure.id).title == "Von B"


def test_a_measure_removed_while_editing_keeps_the_text_to_add_again(client, cast, login_as, db):
    concept = draft(cast, db)
    measure = complete_measure(concept)
    db.session.commit()
    measure_id = measure.id
    login_as(cast["editor_a"])
    page = page_of(client.get(f"/konzepte/{concept.id}/massnahmen/{measure_id}"))
    db.session.delete(measure)
    db.session.commit()
    response = client.post(
        f"/konzepte/{concept.id}/massnahmen/{measure_id}",
        data=measure_form(title="Gerettet", lock_version=hidden(page, "lock_version")),
    )
    page = page_of(response)
    assert response.status_code == 409
    assert "Someone removed this measure" in page
    assert 'value="Gerettet"' in page
    assert f'action="/konzepte/{concept.id}/massnahmen/neu"' in page


def test_removing_a_measure_asks_first(client, cast, login_as, db):
    concept = draft(cast, db)
    measure = complete_measure(concept, title="Weg damit")
    db.session.commit()
    login_as(cast["editor_a"])
    edit_page = page_of(client.get(f"/konzepte/{concept.id}/bearbeiten"))
    prefix = f"remove-{measure.id}-"
    data = {
        f"{prefix}lock_version": hidden(edit_page, f"{prefix}lock_version"),
        f"{prefix}base_digest": hidden(edit_page, f"{prefix}base_digest"),
    }
    url = f"/konzepte/{concept.id}/massnahmen/{measure.id}/entfernen"
    question = client.post(url, data=data)
    assert question.status_code == 200
    assert "Remove the measure „Weg damit“?" in page_of(question)
    assert db.session.query(Measure).count() == 1

    confirmed = client.post(url, data={**data, f"{prefix}confirmed": "yes"})
    assert confirmed.status_code == 302
    assert "is removed" in page_of(client.get(confirmed.headers["Location"]))
    assert db.session.query(Measure).count() == 0


def test_measures_move_up_and_down(client, cast, login_as, db):
    concept = draft(cast, db)
    first = complete_measure(concept, position=1, title="Eins")
    second = complete_measure(concept, position=2, title="Zwei")
    db.session.commit()
    login_as(cast["editor_a"])
    response = client.post(
        f"/konzepte/{concept.id}/massnahmen/{second.id}/verschieben",
        data={f"move-{second.id}-direction": "up"},
    )
    assert response.status_code == 302
    page = page_of(client.get(f"/konzepte/{concept.id}/bearbeiten"))
    assert page.index("Zwei") < page.index("Eins")
    client.post(
        f"/konzepte/{concept.id}/massnahmen/{second.id}/verschieben",
        data={f"move-{second.id}-direction": "down"},
    )
    db.session.expire_all()
    assert db.session.get(Measure, first.id).position < db.session.get(Measure, second.id).position


def test_reviewer_comments_appear_next_to_their_measure_on_the_edit_page(
    client, cast, login_as, db
):
    concept = draft(cast, db, status=SubmissionStatus.CHANGES_REQUESTED)
    measure = complete_measure(concept, title="Messe")
    db.session.commit()
    comments.add_comment(
        concept, cast["reviewer"], "Zur Messe: bitte genauer", measure_lineage_id=measure.lineage_id
    )
    comments.add_comment(concept, cast["reviewer"], "Zum Ganzen")
    login_as(cast["editor_a"])
    page = page_of(client.get(f"/konzepte/{concept.id}/bearbeiten"))
    item = page[page.index(f'id="item-{measure.lineage_id}"') :]
    assert "Zur Messe: bitte genauer" in item
    assert page.index("Zum Ganzen") < page.index('id="sections-heading"')
    measure_page = page_of(client.get(f"/konzepte/{concept.id}/massnahmen/{measure.id}"))
    assert "Zur Messe: bitte genauer" in measure_page
    assert "Zum Ganzen" not in measure_page


# --- autosave ------------------------------------------------------------------------------------


def test_autosave_answers_the_new_lock_version_or_a_conflict(client, cast, login_as, db):
    concept = draft(cast, db)
    login_as(cast["editor_a"])
    page = page_of(client.get(f"/konzepte/{concept.id}/bearbeiten"))
    opened = {
        "lock_version": hidden(page, "lock_version"),
        "base_digest": hidden(page, "base_digest"),
    }
    saved = client.post(
        f"/konzepte/{concept.id}/autosave", data={**sections(goals="Auto 1"), **opened}
    )
    assert saved.status_code == 200
    answer = saved.get_json()
    assert answer["status"] == "saved"
    assert answer["lock_version"] == int(opened["lock_version"]) + 1

    # The next autosave uses what the answer gave back.
    again = client.post(
        f"/konzepte/{concept.id}/autosave",
        data={
            **sections(goals="Auto 2"),
            "lock_version": answer["lock_version"],
            "base_digest": answer["base_digest"],
        },
    )
    assert again.get_json()["status"] == "saved"

    stale = client.post(
        f"/konzepte/{concept.id}/autosave", data={**sections(goals="Veraltet"), **opened}
    )
    assert stale.status_code == 409
    assert stale.get_json()["status"] == "conflict"
    db.session.expire_all()
    assert db.session.get(Concept, concept.id).goals == "Auto 2"

    invalid = client.post(
        f"/konzepte/{concept.id}/autosave",
        data={**sections(goals="x" * 10001), "lock_version": answer["lock_version"] + 1},
    )
    assert invalid.status_code == 422
    assert invalid.get_json() == {"status": "invalid", "fields": ["goals"]}


def test_autosave_of_a_measure(client, cast, login_as, db):
    concept = draft(cast, db)
    measure = complete_measure(concept)
    db.session.commit()
    login_as(cast["editor_a"])
    page = page_of(client.get(f"/konzepte/{concept.id}/massnahmen/{measure.id}"))
    response = client.post(
        f"/konzepte/{concept.id}/autosave?measure_id={measure.id}",
        data=measure_form(
            title="Automatisch",
            lock_version=hidden(page, "lock_version"),
            base_digest=hidden(page, "base_digest"),
        ),
    )
    assert response.get_json()["status"] == "saved"
    db.session.expire_all()
    assert db.session.get(Measure, measure.id).title == "Automatisch"


def test_autosave_of_a_submitted_concept_is_refused(client, cast, login_as, db):
    concept = draft(cast, db, status=SubmissionStatus.SUBMITTED)
    login_as(cast["editor_a"])
    response = client.post(
        f"/konzepte/{concept.id}/autosave", data=sections(lock_version=concept.lock_version)
    )
    assert response.status_code == 409
    assert response.get_json()["status"] == "refused"


def test_a_measure_of_another_concept_is_not_found(client, cast, login_as, db):
    concept = draft(cast, db)
    other = factories.ConceptFactory(organisation=cast["org_b"])
    foreign = factories.MeasureFactory(concept=other)
    db.session.commit()
    login_as(cast["editor_a"])
    assert client.get(f"/konzepte/{concept.id}/massnahmen/{foreign.id}").status_code == 404
    assert client.get(f"/konzepte/{other.id}/massnahmen/{foreign.id}").status_code == 403
    response = client.post(
        f"/konzepte/{other.id}/massnahmen/{foreign.id}/entfernen",
        data={f"remove-{foreign.id}-confirmed": "yes"},
    )
    assert response.status_code == 403
    assert db.session.get(Measure, foreign.id) is not None
