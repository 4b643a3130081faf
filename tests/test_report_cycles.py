"""Reporting cycles: who gets a report, pre-filling, extensions, closing, and where a report stands
at the boundary days (the clock is a parameter)."""

from datetime import date, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from portal.models import (
    Agreement,
    AuditEntry,
    Concept,
    CycleExtension,
    MeasureProgress,
    MeasureStatus,
    OrganisationStatus,
    Report,
    SubmissionStatus,
)
from portal.reports import cycles
from portal.reports.cycles import CycleRefused, standing
from tests import factories

pytestmark = pytest.mark.db


def _partner(db, name, *, signed_on=date(2024, 5, 1), status=OrganisationStatus.ACTIVE):
    organisation = factories.OrganisationFactory(name=name, status=status)
    organisation.agreement = Agreement(
        signed_on=signed_on, ministry_signatory="Ministerin", organisation_signatory="Leitung"
    )
    admin = factories.UserFactory(role="partner_admin", organisation=organisation)
    concept = factories.ConceptFactory(organisation=organisation, status=SubmissionStatus.APPROVED)
    factories.MeasureFactory(concept=concept, title=f"Maßnahme von {name}")
    db.session.commit()
    return organisation, admin


@pytest.fixture(autouse=True)
def _english(app):
    """Messages are matched in English whatever the catalog says."""
    with app.test_request_context(), force_locale("en"):
        yield


@pytest.fixture
def reviewer(db):
    user = factories.UserFactory(role="reviewer", organisation=None)
    db.session.commit()
    return user


def _report(db, organisation, cycle):
    return db.session.scalar(
        select(Report).where(Report.organisation_id == organisation.id, Report.cycle_id == cycle.id)
    )


def test_opening_asks_every_partner_active_in_the_year(db, reviewer, outbox):
    early, early_admin = _partner(db, "Früh", signed_on=date(2024, 3, 1))
    last_day, _ = _partner(db, "Silvester", signed_on=date(2025, 12, 31))
    next_year, _ = _partner(db, "Neujahr", signed_on=date(2026, 1, 1))
    paused, _ = _partner(db, "Pausiert", status=OrganisationStatus.PAUSED)
    applicant = factories.OrganisationFactory(
        name="Bewerbung", status=OrganisationStatus.APPLICANT, member_number=None
    )
    db.session.commit()

    cycle = cycles.open_cycle(2025, opens_on=date(2026, 1, 5), actor=reviewer)

    assert cycle.due_on == date(2026, 3, 31)
    assert cycle.grace_months == 6
    assert _report(db, early, cycle).status == SubmissionStatus.DRAFT
    assert _report(db, last_day, cycle) is not None
    for without in (next_year, paused, applicant):
        assert _report(db, without, cycle) is None
    mails = [m for m in outbox() if m.recipient == early_admin.email]
    assert len(mails) == 1 and "2025" in mails[0].subject
    assert "31. März 2026" in mails[0].body
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "cycle_opened"))
    assert entry.data["reports"] == "2"


def test_a_year_has_one_cycle_and_dates_are_checked(db, reviewer):
    cycles.open_cycle(2025, opens_on=date(2026, 1, 5), actor=reviewer)
    with pytest.raises(CycleRefused, match="already exists"):
        cycles.open_cycle(2025, opens_on=date(2026, 1, 5), actor=reviewer)
    with pytest.raises(CycleRefused, match="after the opening date"):
        cycles.open_cycle(2024, opens_on=date(2025, 4, 1), due_on=date(2025, 3, 31), actor=reviewer)
    with pytest.raises(CycleRefused, match="grace period"):
        cycles.open_cycle(2023, opens_on=date(2024, 1, 1), grace_months=-1, actor=reviewer)


def test_the_report_is_prefilled_from_last_year_but_not_the_figures(db, reviewer):
    organisation, _ = _partner(db, "Vorjahr")
    first = cycles.open_cycle(2024, opens_on=date(2025, 1, 5), actor=reviewer)
    old = _report(db, organisation, first)
    old.overall_assessment = "Gut vorangekommen."
    old.progress[0].status = MeasureStatus.IN_PROGRESS
    old.progress[0].narrative = "Zwei Workshops."
    old.progress[0].actual_value = 12
    db.session.commit()

    second = cycles.open_cycle(2025, opens_on=date(2026, 1, 5), actor=reviewer)
    new = _report(db, organisation, second)

    assert new.overall_assessment == "Gut vorangekommen."
    assert len(new.progress) == 1
    progress = new.progress[0]
    assert progress.lineage_id == old.progress[0].lineage_id
    assert progress.status == MeasureStatus.IN_PROGRESS
    assert progress.narrative == "Zwei Workshops."
    assert progress.actual_value is None
    assert new.values == []


def test_a_partner_joining_later_gets_its_report(db, reviewer, outbox):
    cycle = cycles.open_cycle(2026, opens_on=date(2026, 11, 1), actor=reviewer)
    organisation, admin = _partner(db, "Später", signed_on=date(2026, 11, 20))
    created = cycles.create_reports_for_new_partner(organisation)
    db.session.commit()
    assert [r.cycle_id for r in created] == [cycle.id]
    assert [m.recipient for m in outbox()] == [admin.email]
    # Twice is harmless: the report exists.
    assert cycles.create_reports_for_new_partner(organisation) == []


def test_a_closed_cycle_takes_no_late_joiner_and_no_submission(db, reviewer):
    organisation, _ = _partner(db, "Geschlossen", signed_on=date(2024, 1, 1))
    cycle = cycles.open_cycle(2024, opens_on=date(2025, 1, 5), actor=reviewer)
    assert cycles.accepts_submissions(cycle, organisation.id)
    cycles.close_cycle(cycle, actor=reviewer)
    assert not cycles.accepts_submissions(cycle, organisation.id)
    with pytest.raises(CycleRefused, match="already closed"):
        cycles.close_cycle(cycle, actor=reviewer)
    late, _ = _partner(db, "Nachzügler", signed_on=date(2024, 6, 1))
    assert cycles.create_reports_for_new_partner(late) == []


def test_reopening_for_one_organisation(db, reviewer):
    organisation, _ = _partner(db, "Wieder offen")
    other, _ = _partner(db, "Bleibt zu")
    cycle = cycles.open_cycle(2024, opens_on=date(2025, 1, 5), actor=reviewer)
    with pytest.raises(CycleRefused, match="still open"):
        cycles.reopen_for(
            cycle, organisation, due_on=date(2099, 1, 1), reason="Krankheit", actor=reviewer
        )
    cycles.close_cycle(cycle, actor=reviewer)
    with pytest.raises(CycleRefused, match="reason"):
        cycles.reopen_for(cycle, organisation, due_on=date(2099, 1, 1), reason=" ", actor=reviewer)
    with pytest.raises(CycleRefused, match="past"):
        cycles.reopen_for(
            cycle, organisation, due_on=date(2020, 1, 1), reason="Krankheit", actor=reviewer
        )
    cycles.reopen_for(
        cycle, organisation, due_on=date(2099, 1, 1), reason="Krankheit", actor=reviewer
    )
    assert cycles.accepts_submissions(cycle, organisation.id)
    assert not cycles.accepts_submissions(cycle, other.id)
    assert cycles.due_date_for(cycle, organisation.id) == date(2099, 1, 1)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "cycle_reopened"))
    assert entry.organisation_id == organisation.id and entry.comment == "Krankheit"


def test_extending_for_everyone_and_for_one(db, reviewer):
    organisation, _ = _partner(db, "Verlängert")
    other, _ = _partner(db, "Normal")
    cycle = cycles.open_cycle(2025, opens_on=date(2026, 1, 5), actor=reviewer)

    cycles.extend_due_date(cycle, due_on=date(2026, 4, 30), reason="Feiertage", actor=reviewer)
    assert cycles.due_date_for(cycle, other.id) == date(2026, 4, 30)

    cycles.extend_due_date(
        cycle,
        due_on=date(2026, 6, 30),
        reason="Personalwechsel",
        actor=reviewer,
        organisation=organisation,
    )
    assert cycles.due_date_for(cycle, organisation.id) == date(2026, 6, 30)
    assert cycles.due_date_for(cycle, other.id) == date(2026, 4, 30)
    extension = db.session.scalar(select(CycleExtension))
    assert extension.reason == "Personalwechsel" and not extension.reopened

    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "cycle_extended").order_by(AuditEntry.id)
    ).all()
    assert [e.data["due_on"] for e in entries] == ["2026-04-30", "2026-06-30"]
    assert entries[1].data["previous_due_on"] == "2026-04-30"

    with pytest.raises(CycleRefused, match="reason"):
        cycles.extend_due_date(cycle, due_on=date(2026, 7, 1), reason="", actor=reviewer)
    with pytest.raises(CycleRefused, match="after the opening date"):
        cycles.extend_due_date(cycle, due_on=date(2026, 1, 1), reason="x", actor=reviewer)
    stranger = factories.OrganisationFactory(name="Ohne Bericht")
    with pytest.raises(CycleRefused, match="no report"):
        cycles.extend_due_date(
            cycle, due_on=date(2026, 7, 1), reason="x", actor=reviewer, organisation=stranger
        )


DUE = date(2026, 3, 31)


@pytest.mark.parametrize(
    ("today", "state", "days"),
    [
        (date(2026, 3, 1), "open", 30),
        (date(2026, 3, 31), "open", 0),
        (date(2026, 4, 1), "overdue", 1),
        (date(2026, 9, 30), "overdue", 183),
        (date(2026, 10, 1), "non_reporting", 184),
    ],
)
def test_standing_at_the_boundaries(today, state, days):
    result = standing(
        status=SubmissionStatus.DRAFT, submitted_at=None, due_on=DUE, grace_months=6, today=today
    )
    assert result.state == state
    assert (result.days_left if state == "open" else result.days_overdue) == days


@pytest.mark.parametrize(
    ("submitted_at", "status", "state"),
    [
        (datetime(2026, 3, 31, 23, 0), SubmissionStatus.SUBMITTED, "submitted_on_time"),
        (datetime(2026, 4, 1, 8, 0), SubmissionStatus.APPROVED, "submitted_late"),
        (datetime(2026, 3, 1, 8, 0), SubmissionStatus.CHANGES_REQUESTED, "submitted_on_time"),
        # Withdrawn again: it counts as not submitted.
        (datetime(2026, 3, 1, 8, 0), SubmissionStatus.DRAFT, "overdue"),
    ],
)
def test_standing_of_submitted_reports(submitted_at, status, state):
    result = standing(
        status=status,
        submitted_at=submitted_at,
        due_on=DUE,
        grace_months=6,
        today=date(2026, 5, 1),
    )
    assert result.state == state


def test_grace_period_at_month_ends():
    assert cycles.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert cycles.add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert cycles.add_months(date(2026, 3, 31), 0) == date(2026, 3, 31)


def test_progress_rows_follow_the_concept_in_force(db, reviewer):
    organisation, _ = _partner(db, "Mehrere")
    concept = db.session.scalar(select(Concept).where(Concept.organisation_id == organisation.id))
    factories.MeasureFactory(concept=concept, title="Zweite", position=2)
    db.session.commit()
    cycle = cycles.open_cycle(2025, opens_on=date(2026, 1, 5), actor=reviewer)
    report = _report(db, organisation, cycle)
    assert report.concept_id == concept.id
    rows = db.session.scalars(
        select(MeasureProgress).where(MeasureProgress.report_id == report.id)
    ).all()
    assert {r.status for r in rows} == {MeasureStatus.NOT_STARTED}
    assert len(rows) == 2
