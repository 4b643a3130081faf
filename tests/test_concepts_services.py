"""Services of the partner's side of the concept: start, amend, measures, optimistic locking,
completeness, submit, withdraw and answers to comments."""

from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select, text

from portal import comments
from portal.concepts import queries, services
from portal.concepts.completeness import missing_answers
from portal.concepts.numbers import NumberFormatError, parse_number
from portal.models import (
    AuditEntry,
    Comment,
    Concept,
    Indicator,
    Measure,
    OrganisationStatus,
    SubmissionStatus,
)
from tests import factories

pytestmark = pytest.mark.db


@pytest.fixture(autouse=True)
def english(app):
    """Messages in English, whatever the German catalog says."""
    with force_locale("en"):
        yield


def complete_measure(concept, **overrides):
    values = {
        "concept": concept,
        "title": "Ausbildungsmessen",
        "description": "Messen an Schulen",
        "target_group": "Schülerinnen und Schüler",
        "indicator_text": "Bewerbungen",
        "target_value": Decimal("40"),
        "target_year": 2027,
        "start_date": date(2025, 1, 1),
        "responsible_unit": "Personalamt",
    }
    values.update(overrides)
    return factories.MeasureFactory(**values)


def approved_concept(organisation, measures=2):
    concept = factories.ConceptFactory(
        organisation=organisation, status=SubmissionStatus.APPROVED, approved_at=date(2024, 5, 1)
    )
    for position in range(1, measures + 1):
        complete_measure(concept, position=position, title=f"Maßnahme {position}")
    return concept


def audit_actions(db, concept=None):
    query = select(AuditEntry.action).order_by(AuditEntry.id)
    if concept is not None:
        query = query.where(AuditEntry.object_id == concept.id)
    return db.session.scalars(query).all()


def lock_of(concept, digest):
    return (concept.lock_version, digest)


# --- start and amend -----------------------------------------------------------------------------


def test_partner_admin_starts_the_first_version(db, cast):
    concept = services.start_concept(cast["org_a"], cast["admin_a"])
    assert concept.version_number == 1
    assert concept.status == SubmissionStatus.DRAFT
    assert audit_actions(db, concept) == ["concept_started"]
    with pytest.raises(services.ConceptRefused, match="already"):
        services.start_concept(cast["org_a"], cast["admin_a"])


@pytest.mark.parametrize("role", ["editor_a", "admin_b", "reviewer"])
def test_only_the_partner_admin_starts(db, cast, role):
    with pytest.raises(services.ConceptRefused):
        services.start_concept(cast["org_a"], cast[role])
    assert db.session.scalar(select(Concept.id)) is None


def test_no_concept_is_started_after_the_partnership_ended(db, cast):
    cast["org_a"].status = OrganisationStatus.LEFT
    db.session.commit()
    with pytest.raises(services.ConceptRefused, match="partnership has ended"):
        services.start_concept(cast["org_a"], cast["admin_a"])


def test_amending_copies_the_concept_in_force_and_keeps_lineage(db, cast):
    in_force = approved_concept(cast["org_a"], measures=3)
    db.session.commit()
    copy = services.amend_concept(in_force, cast["admin_a"])

    assert copy.version_number == 2
    assert copy.status == SubmissionStatus.DRAFT
    assert copy.based_on_id == in_force.id
    assert (copy.initial_situation, copy.goals, copy.steering) == (
        in_force.initial_situation,
        in_force.goals,
        in_force.steering,
    )
    old = queries.measures_of(in_force)
    new = queries.measures_of(copy)
    assert [m.lineage_id for m in new] == [m.lineage_id for m in old]
    assert [m.title for m in new] == [m.title for m in old]
    assert {m.id for m in new}.isdisjoint({m.id for m in old})
    assert new[0].target_value == Decimal("40")
    # The approved version stays in force until the new one is approved.
    versions = queries.versions_of(cast["org_a"].id)
    assert versions.in_force.id == in_force.id
    assert versions.working.id == copy.id
    assert in_force.status == SubmissionStatus.APPROVED
    assert audit_actions(db, copy) == ["concept_amended"]


def test_amending_is_refused_while_a_newer_version_is_open(db, cast):
    in_force = approved_concept(cast["org_a"])
    db.session.commit()
    services.amend_concept(in_force, cast["admin_a"])
    with pytest.raises(services.ConceptRefused, match="Version 2"):
        services.amend_concept(in_force, cast["admin_a"])
    assert db.session.query(Concept).count() == 2


def test_the_new_version_supersedes_the_old_one_once_approved(db, cast):
    in_force = approved_concept(cast["org_a"])
    db.session.commit()
    copy = services.amend_concept(in_force, cast["admin_a"])
    copy.status = SubmissionStatus.APPROVED
    db.session.commit()
    assert queries.versions_of(cast["org_a"].id).in_force.id == copy.id
    third = services.amend_concept(copy, cast["admin_a"])
    assert third.version_number == 3


@pytest.mark.parametrize("role", ["editor_a", "admin_b", "reviewer"])
def test_only_the_partner_admin_amends(db, cast, role):
    in_force = approved_concept(cast["org_a"])
    db.session.commit()
    with pytest.raises(services.ConceptRefused):
        services.amend_concept(in_force, cast[role])


def test_a_draft_cannot_be_amended(db, cast):
    draft = factories.ConceptFactory(organisation=cast["org_a"])
    db.session.commit()
    with pytest.raises(services.ConceptRefused):
        services.amend_concept(draft, cast["admin_a"])


# --- measures ------------------------------------------------------------------------------------


def measure_values(**overrides):
    values = {
        "field_of_action_id": factories.field_of_action_id(),
        "title": "Neue Maßnahme",
        "description": "",
        "target_group": "",
        "indicator_id": None,
        "indicator_text": "",
        "baseline": None,
        "target_value": None,
        "target_year": None,
        "start_date": None,
        "end_date": None,
        "responsible_unit": "",
        "share_as_good_practice": False,
    }
    values.update(overrides)
    return values


def test_editors_add_edit_move_and_remove_measures(db, cast):
    concept = factories.ConceptFactory(organisation=cast["org_a"])
    db.session.commit()
    editor = cast["editor_a"]
    first = services.add_measure(concept, measure_values(title="Erste"), editor)
    second = services.add_measure(concept, measure_values(title="Zweite"), editor)
    third = services.add_measure(concept, measure_values(title="Dritte"), editor)
    assert [m.title for m in queries.measures_of(concept)] == ["Erste", "Zweite", "Dritte"]

    services.update_measure(
        concept,
        second,
        measure_values(title="Zweite, geändert", target_value=Decimal("12.5")),
        lock_of(concept, services.measure_digest(second)),
        editor,
    )
    assert db.session.get(Measure, second.id).target_value == Decimal("12.5")

    assert services.move_measure(concept, third, "up", editor) is True
    assert [m.title for m in queries.measures_of(concept)] == [
        "Erste",
        "Dritte",
        "Zweite, geändert",
    ]
    assert services.move_measure(concept, first, "up", editor) is False

    services.remove_measure(
        concept, first, lock_of(concept, services.measure_digest(first)), editor
    )
    assert [m.title for m in queries.measures_of(concept)] == ["Dritte", "Zweite, geändert"]
    assert audit_actions(db, concept) == ["measure_added"] * 3 + ["measure_removed"]
    removed = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "measure_removed")
    ).one()
    assert removed.data["measure"] == "Erste"
    assert removed.actor_id == editor.id


def test_a_submitted_concept_cannot_be_changed(db, cast):
    concept = factories.ConceptFactory(
        organisation=cast["org_a"], status=SubmissionStatus.SUBMITTED
    )
    db.session.commit()
    with pytest.raises(services.ConceptRefused, match="Submitted"):
        services.add_measure(concept, measure_values(), cast["editor_a"])
    with pytest.raises(services.ConceptRefused):
        services.save_sections(concept, {"goals": "neu"}, lock_of(concept, ""), cast["admin_a"])


@pytest.mark.parametrize("role", ["admin_b", "reviewer"])
def test_others_never_change_a_concept(db, cast, role):
    concept = factories.ConceptFactory(organisation=cast["org_a"])
    db.session.commit()
    with pytest.raises(services.ConceptRefused):
        services.save_sections(
            concept,
            {"goals": "fremd"},
            lock_of(concept, services.sections_digest(concept)),
            cast[role],
        )
    db.session.expire_all()
    assert db.session.get(Concept, concept.id).goals == "Ziele"


# --- optimistic locking --------------------------------------------------------------------------


def test_two_editors_saving_the_same_text_conflict(db, cast):
    concept = factories.ConceptFactory(organisation=cast["org_a"])
    db.session.commit()
    # Both open the edit page: the same lock_version and digest in both forms.
    opened = lock_of(concept, services.sections_digest(concept))
    services.save_sections(
        concept,
        {"initial_situation": "A", "goals": "Ziele von A", "steering": "S"},
        opened,
        cast["editor_a"],
    )
    with pytest.raises(services.EditConflict):
        services.save_sections(
            concept,
            {"initial_situation": "B", "goals": "Ziele von B", "steering": "S"},
            opened,
            cast["admin_a"],
        )
    db.session.expire_all()
    assert db.session.get(Concept, concept.id).goals == "Ziele von A"


def test_a_change_elsewhere_is_no_conflict(db, cast):
    concept = factories.ConceptFactory(organisation=cast["org_a"])
    measure = factories.MeasureFactory(concept=concept, title="Alt")
    db.session.commit()
    sections_opened = lock_of(concept, services.sections_digest(concept))
    measure_opened = lock_of(concept, services.measure_digest(measure))
    # One person edits the measure, the other the sections, at the same time.
    services.update_measure(
        concept, measure, measure_values(title="Neu"), measure_opened, cast["editor_a"]
    )
    assert concept.lock_version == sections_opened[0] + 1
    services.save_sections(
        concept,
        {"initial_situation": "I", "goals": "G", "steering": "S"},
        sections_opened,
        cast["admin_a"],
    )
    db.session.expire_all()
    saved = db.session.get(Concept, concept.id)
    assert saved.goals == "G"
    assert saved.measures[0].title == "Neu"
    # But a second save of the same measure from the old form is a conflict.
    with pytest.raises(services.EditConflict):
        services.update_measure(
            saved,
            saved.measures[0],
            measure_values(title="Anders"),
            measure_opened,
            cast["admin_a"],
        )


def test_a_save_that_slips_in_between_is_caught_by_the_database(db, cast):
    concept = factories.ConceptFactory(organisation=cast["org_a"])
    db.session.commit()
    opened = lock_of(concept, services.sections_digest(concept))
    # Another session saves after this one has checked the lock but before it writes.
    with db.engine.begin() as other:
        other.execute(
            text(
                "UPDATE concept SET lock_version = lock_version + 1, goals = 'fremd' WHERE id = :id"
            ),
            {"id": concept.id},
        )
    with pytest.raises(services.EditConflict):
        services.save_sections(
            concept,
            {"initial_situation": "", "goals": "meins", "steering": ""},
            opened,
            cast["admin_a"],
        )
    db.session.expire_all()
    assert db.session.get(Concept, concept.id).goals == "fremd"


def test_removing_a_measure_someone_just_changed_is_a_conflict(db, cast):
    concept = factories.ConceptFactory(organisation=cast["org_a"])
    measure = factories.MeasureFactory(concept=concept)
    db.session.commit()
    opened = lock_of(concept, services.measure_digest(measure))
    services.update_measure(
        concept, measure, measure_values(title="Wichtig"), opened, cast["editor_a"]
    )
    with pytest.raises(services.EditConflict):
        services.remove_measure(concept, measure, opened, cast["admin_a"])
    assert db.session.query(Measure).count() == 1


# --- completeness, submit, withdraw --------------------------------------------------------------


def test_an_empty_concept_lists_every_missing_section_and_measure(db, cast):
    concept = factories.ConceptFactory(
        organisation=cast["org_a"], initial_situation="", goals=" ", steering=""
    )
    db.session.commit()
    assert [m.field_id for m in missing_answers(concept)] == [
        "initial_situation",
        "goals",
        "steering",
        "add-measure",
    ]


def test_each_missing_answer_of_a_measure_is_listed(db, cast):
    concept = factories.ConceptFactory(organisation=cast["org_a"])
    complete_measure(concept, position=1)
    gap = factories.MeasureFactory(concept=concept, position=2, title="", description="")
    db.session.commit()
    missing = missing_answers(concept, queries.measures_of(concept))
    assert [(m.measure.id, m.field_id) for m in missing] == [
        (gap.id, field)
        for field in (
            "title",
            "description",
            "target_group",
            "indicator_id",
            "target_value",
            "target_year",
            "start_date",
            "responsible_unit",
        )
    ]
    assert missing[0].message.startswith("Measure 2")


def test_an_indicator_from_the_catalog_counts(db, cast):
    concept = factories.ConceptFactory(organisation=cast["org_a"])
    indicator = db.session.scalars(select(Indicator)).first()
    complete_measure(concept, indicator_text="", indicator_id=indicator.id)
    db.session.commit()
    assert missing_answers(concept) == []


def test_submit_is_refused_with_the_list_when_something_is_missing(db, cast, outbox):
    concept = factories.ConceptFactory(organisation=cast["org_a"], goals="")
    db.session.commit()
    with pytest.raises(services.ConceptRefused) as refused:
        services.submit(concept, concept.lock_version, cast["admin_a"])
    assert [p.field_id for p in refused.value.problems] == ["goals", "add-measure"]
    db.session.expire_all()
    assert db.session.get(Concept, concept.id).status == SubmissionStatus.DRAFT
    assert "submit" not in audit_actions(db)
    assert outbox() == []


def test_partner_admin_submits_a_complete_concept(db, cast, outbox):
    concept = factories.ConceptFactory(organisation=cast["org_a"])
    complete_measure(concept)
    db.session.commit()
    services.submit(concept, concept.lock_version, cast["admin_a"])
    assert concept.status == SubmissionStatus.SUBMITTED
    assert audit_actions(db, concept)[-1] == "submit"
    assert [m.recipient for m in outbox()] == [cast["reviewer"].email]


def test_submit_is_refused_when_the_concept_changed_after_the_check(db, cast):
    concept = factories.ConceptFactory(organisation=cast["org_a"])
    measure = complete_measure(concept)
    db.session.commit()
    checked = concept.lock_version
    services.update_measure(
        concept,
        measure,
        {**services.values_of(measure), "title": "Anders"},
        lock_of(concept, services.measure_digest(measure)),
        cast["editor_a"],
    )
    with pytest.raises(services.ConceptRefused, match="changed after you checked"):
        services.submit(concept, checked, cast["admin_a"])


def test_editors_cannot_submit(db, cast):
    concept = factories.ConceptFactory(organisation=cast["org_a"])
    complete_measure(concept)
    db.session.commit()
    with pytest.raises(services.ConceptRefused, match="role"):
        services.submit(concept, concept.lock_version, cast["editor_a"])


def test_withdraw_takes_a_submitted_concept_back_to_draft(db, cast):
    concept = factories.ConceptFactory(
        organisation=cast["org_a"], status=SubmissionStatus.SUBMITTED
    )
    db.session.commit()
    services.withdraw(concept, cast["admin_a"])
    assert concept.status == SubmissionStatus.DRAFT
    assert audit_actions(db, concept) == ["withdraw"]
    with pytest.raises(services.ConceptRefused, match="current state"):
        services.withdraw(concept, cast["admin_a"])


# --- comments ------------------------------------------------------------------------------------


def test_partner_answers_a_visible_comment_on_a_measure(db, cast, outbox):
    concept = factories.ConceptFactory(
        organisation=cast["org_a"], status=SubmissionStatus.CHANGES_REQUESTED
    )
    measure = complete_measure(concept)
    db.session.commit()
    question = comments.add_comment(
        concept, cast["reviewer"], "Wie messen Sie das?", measure_lineage_id=measure.lineage_id
    )
    answer = comments.add_comment(
        concept, cast["editor_a"], "Mit einer Befragung.", reply_to=question
    )
    assert answer.reply_to_id == question.id
    assert answer.measure_lineage_id == measure.lineage_id
    threads = queries.threads_by_lineage(concept, cast["editor_a"], [measure])
    assert [t.comment.body for t in threads[measure.lineage_id]] == ["Wie messen Sie das?"]
    assert [a.body for a in threads[measure.lineage_id][0].answers] == ["Mit einer Befragung."]
    assert outbox()[-1].recipient == cast["reviewer"].email


def test_a_partner_can_neither_read_nor_answer_an_internal_comment(db, cast):
    concept = factories.ConceptFactory(organisation=cast["org_a"])
    db.session.commit()
    internal = comments.add_comment(concept, cast["reviewer"], "Nur intern", internal=True)
    with pytest.raises(comments.CommentRefused):
        comments.add_comment(concept, cast["admin_a"], "Antwort", reply_to=internal)
    assert queries.threads_by_lineage(concept, cast["admin_a"]) == {}
    assert list(queries.threads_by_lineage(concept, cast["reviewer"])) == [None]
    assert db.session.query(Comment).count() == 1


def test_comments_on_a_removed_measure_stay_in_sight(db, cast):
    concept = factories.ConceptFactory(organisation=cast["org_a"])
    db.session.commit()
    comments.add_comment(
        concept, cast["reviewer"], "Zu einer alten Maßnahme", measure_lineage_id="x"
    )
    threads = queries.threads_by_lineage(concept, cast["admin_a"], [])
    assert [t.comment.body for t in threads[None]] == ["Zu einer alten Maßnahme"]


# --- numbers as partners type them ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1.234,5", Decimal("1234.5")),
        ("12,5", Decimal("12.5")),
        ("12.5", Decimal("12.5")),
        ("1.234", Decimal("1234")),
        ("1.234.567", Decimal("1234567")),
        ("1,234.56", Decimal("1234.56")),
        (" 3 000 ", Decimal("3000")),
        ("0", Decimal("0")),
    ],
)
def test_numbers_are_read_the_german_way(typed, value):
    assert parse_number(typed) == value


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("zwölf", "format"),
        ("1.2.3", "format"),
        ("1e5", "format"),
        ("-5", "negative"),
        ("12,345", "decimals"),
        ("99999999999", "too_large"),
    ],
)
def test_numbers_that_cannot_be_stored_are_refused(typed, kind):
    with pytest.raises(NumberFormatError) as refused:
        parse_number(typed)
    assert refused.value.kind == kind
