"""The partner's annual report as services: saving key figures, progress and texts, what is
missing before submitting, submit and withdraw (also against a closed cycle), optimistic locking,
pre-filled texts and last year's figures, and the summary for the organisation's home page."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select, update

from portal.models import (
    AuditEntry,
    MeasureProgress,
    MeasureStatus,
    Report,
    ReportValue,
    SubmissionStatus,
)
from portal.reports import cycles, prefill, queries, services
from portal.reports.completeness import missing_answers, section_states
from portal.reports.figures import Figure
from tests import factories

pytestmark = pytest.mark.db


# --- helpers (also used by tests/test_reports_views.py) -----------------------------------------


def make_report(db, organisation, *, measures=2, year=2025, due_on=None, concept=None):
    """A draft report of `organisation` for `year`, pre-filled from its approved concept."""
    if concept is None:
        concept = factories.ConceptFactory(
            organisation=organisation, status=SubmissionStatus.APPROVED
        )
        for position in range(1, measures + 1):
            factories.MeasureFactory(
                concept=concept, position=position, title=f"Maßnahme {position}"
            )
    cycle = factories.ReportingCycleFactory(
        year=year, opens_on=date(year + 1, 1, 5), due_on=due_on or date(year + 1, 3, 31)
    )
    db.session.flush()
    report = prefill.new_report(cycle, organisation)
    db.session.commit()
    return report


def figures_by_key(**values) -> dict[int, Figure]:
    """Figures by indicator key: an int, "ns" (not surveyed) or None."""
    indicators = {i.key: i for i in queries.active_indicators()}
    result = {}
    for key, value in values.items():
        if value == "ns":
            result[indicators[key].id] = Figure(not_surveyed=True)
        else:
            result[indicators[key].id] = Figure(value)
    return result


def all_figures() -> dict[int, Figure]:
    """Every active figure answered consistently (parts below their totals)."""
    return {i.id: Figure(10 if i.part_of_id else 100) for i in queries.active_indicators()}


def fill_completely(report, actor):
    """Give every required answer through the services."""
    content = queries.load_content(report)
    services.save_figures(
        report, content, all_figures(), lock_version=report.lock_version, actor=actor
    )
    content = queries.load_content(report)
    progress = {
        m.lineage_id: (MeasureStatus.IN_PROGRESS, Decimal("3"), "Zwei Workshops.")
        for m in content.measures
    }
    services.save_progress(report, content, progress, lock_version=report.lock_version, actor=actor)
    content = queries.load_content(report)
    texts = {
        "overall_assessment": "Gutes Jahr.",
        "challenges": "Wenig Personal.",
        "next_steps": "Mehr Fortbildungen.",
        "good_practice_story": "",
    }
    services.save_assessment(
        report, content, texts, False, lock_version=report.lock_version, actor=actor
    )


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


def _saved_values(db, report) -> dict[str, tuple]:
    indicators = {i.id: i.key for i in queries.active_indicators()}
    rows = db.session.scalars(select(ReportValue).where(ReportValue.report_id == report.id))
    return {indicators[r.indicator_id]: (r.value, r.not_surveyed) for r in rows}


# --- key figures --------------------------------------------------------------------------------


def test_saving_figures_stores_them_and_records_what_changed(db, cast):
    report = make_report(db, cast["org_a"])
    content = queries.load_content(report)
    version = report.lock_version

    changed = services.save_figures(
        report,
        content,
        figures_by_key(employees_total=120, employees_migration=30, trainees_total="ns"),
        lock_version=version,
        actor=cast["editor_a"],
    )

    assert changed
    assert _saved_values(db, report) == {
        "employees_total": (120, False),
        "employees_migration": (30, False),
        "trainees_total": (None, True),
    }
    assert report.lock_version == version + 1
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "report_saved"))
    assert entry.actor_id == cast["editor_a"].id
    assert entry.data["section"] == "figures"
    assert entry.data["version"] == str(version + 1)
    assert len(entry.data["fields"].split(",")) == 3


def test_saving_the_same_figures_again_changes_nothing(db, cast):
    report = make_report(db, cast["org_a"])
    figures = figures_by_key(employees_total=120)
    services.save_figures(
        report, queries.load_content(report), figures, lock_version=1, actor=cast["editor_a"]
    )
    version = report.lock_version
    assert not services.save_figures(
        report,
        queries.load_content(report),
        figures,
        lock_version=version,
        actor=cast["editor_a"],
    )
    assert report.lock_version == version
    assert db.session.query(AuditEntry).filter_by(action="report_saved").count() == 1


def test_a_cleared_figure_is_removed(db, cast):
    report = make_report(db, cast["org_a"])
    services.save_figures(
        report,
        queries.load_content(report),
        figures_by_key(employees_total=120, trainees_total="ns"),
        lock_version=1,
        actor=cast["editor_a"],
    )
    services.save_figures(
        report,
        queries.load_content(report),
        figures_by_key(employees_total=None, trainees_total=None),
        lock_version=report.lock_version,
        actor=cast["editor_a"],
    )
    assert _saved_values(db, report) == {}


@pytest.mark.parametrize(
    "figures",
    [
        {"employees_total": 20, "employees_migration": 21},
        {"employees_total": -1},
    ],
)
def test_invalid_figures_are_refused_and_nothing_is_saved(db, cast, figures):
    report = make_report(db, cast["org_a"])
    with pytest.raises(services.ReportRefused, match="correct the key figures"):
        services.save_figures(
            report,
            queries.load_content(report),
            figures_by_key(**figures),
            lock_version=1,
            actor=cast["editor_a"],
        )
    db.session.rollback()
    assert _saved_values(db, report) == {}
    assert report.lock_version == 1


def test_number_and_not_surveyed_together_are_refused(db, cast):
    report = make_report(db, cast["org_a"])
    total = queries.active_indicators()[0]
    with pytest.raises(services.ReportRefused):
        services.save_figures(
            report,
            queries.load_content(report),
            {total.id: Figure(5, not_surveyed=True)},
            lock_version=1,
            actor=cast["editor_a"],
        )


# --- progress per measure -----------------------------------------------------------------------


def test_saving_progress_per_measure(db, cast):
    report = make_report(db, cast["org_a"])
    content = queries.load_content(report)
    first, second = content.measures
    services.save_progress(
        report,
        content,
        {
            first.lineage_id: (MeasureStatus.COMPLETED, Decimal("12.5"), "Fertig."),
            second.lineage_id: (MeasureStatus.PAUSED, None, "Pausiert wegen Umbau."),
        },
        lock_version=1,
        actor=cast["editor_a"],
    )
    rows = {
        row.lineage_id: row
        for row in db.session.scalars(
            select(MeasureProgress).where(MeasureProgress.report_id == report.id)
        )
    }
    assert rows[first.lineage_id].status == MeasureStatus.COMPLETED
    assert rows[first.lineage_id].actual_value == Decimal("12.5")
    assert rows[second.lineage_id].narrative == "Pausiert wegen Umbau."
    assert report.lock_version == 2


def test_a_dropped_measure_needs_a_reason(db, cast):
    report = make_report(db, cast["org_a"], measures=1)
    content = queries.load_content(report)
    lineage = content.measures[0].lineage_id
    with pytest.raises(services.ReportRefused, match="needs a reason"):
        services.save_progress(
            report,
            content,
            {lineage: (MeasureStatus.DROPPED, None, "  ")},
            lock_version=1,
            actor=cast["editor_a"],
        )
    db.session.rollback()
    services.save_progress(
        report,
        queries.load_content(report),
        {lineage: (MeasureStatus.DROPPED, None, "Kein Budget mehr.")},
        lock_version=1,
        actor=cast["editor_a"],
    )
    assert report.progress[0].status == MeasureStatus.DROPPED


def test_a_measure_of_a_newer_concept_version_gets_its_progress_row(db, cast):
    report = make_report(db, cast["org_a"], measures=1)
    old = queries.load_content(report).measures[0]
    newer = factories.ConceptFactory(
        organisation=cast["org_a"], version_number=2, status=SubmissionStatus.APPROVED
    )
    kept = factories.MeasureFactory(concept=newer, lineage_id=old.lineage_id, position=1)
    added = factories.MeasureFactory(concept=newer, position=2, title="Neu")
    db.session.commit()

    content = queries.load_content(report)
    assert [m.id for m in content.measures] == [kept.id, added.id]
    services.save_progress(
        report,
        content,
        {
            kept.lineage_id: (MeasureStatus.IN_PROGRESS, None, "Weiter."),
            added.lineage_id: (MeasureStatus.NOT_STARTED, None, "Beginnt im Herbst."),
        },
        lock_version=1,
        actor=cast["editor_a"],
    )
    rows = {row.lineage_id: row for row in report.progress}
    assert rows[kept.lineage_id].measure_id == kept.id
    assert rows[added.lineage_id].narrative == "Beginnt im Herbst."


# --- completeness -------------------------------------------------------------------------------


def test_what_is_missing_before_submitting(db, cast):
    report = make_report(db, cast["org_a"])
    content = queries.load_content(report)
    missing = missing_answers(content)
    sections = [m.section for m in missing]
    assert sections.count("figures") == len(content.indicators)
    assert sections.count("progress") == 2
    assert sections.count("assessment") == 3
    assert missing[0].field_id == f"value_{content.indicators[0].id}"
    assert "Measure 1: Maßnahme 1: please describe the progress." in [m.message for m in missing]
    assert section_states(content) == {
        "figures": "not_started",
        "progress": "not_started",
        "assessment": "not_started",
    }

    services.save_figures(
        report, content, figures_by_key(employees_total=5), lock_version=1, actor=cast["admin_a"]
    )
    assert section_states(queries.load_content(report))["figures"] == "in_progress"

    fill_completely(report, cast["admin_a"])
    content = queries.load_content(report)
    assert missing_answers(content) == []
    assert set(section_states(content).values()) == {"complete"}


def test_a_dropped_measure_without_reason_is_named_as_such(db, cast):
    report = make_report(db, cast["org_a"], measures=1)
    report.progress[0].status = MeasureStatus.DROPPED
    db.session.commit()
    messages = [m.message for m in missing_answers(queries.load_content(report))]
    assert "Measure 1: Maßnahme 1: please say why the measure was dropped." in messages


# --- submit and withdraw ------------------------------------------------------------------------


def test_submit_sends_the_report_to_the_ministry(db, cast, reviewer, outbox):
    report = make_report(db, cast["org_a"])
    fill_completely(report, cast["editor_a"])

    services.submit(report, lock_version=report.lock_version, actor=cast["admin_a"])

    db.session.expire_all()
    report = db.session.get(Report, report.id)
    assert report.status == SubmissionStatus.SUBMITTED
    assert report.submitted_at is not None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "submit"))
    assert entry.actor_id == cast["admin_a"].id and entry.to_state == "submitted"
    recipients = {m.recipient: m.subject for m in outbox()}
    assert reviewer.email in recipients
    # A receipt for the organisation's people, the submitter included.
    assert "2025" in recipients[cast["admin_a"].email]
    assert cast["editor_a"].email in recipients


def test_submit_is_refused_when_incomplete_and_nothing_changes(db, cast, outbox):
    report = make_report(db, cast["org_a"])
    with pytest.raises(services.ReportRefused, match="not complete") as refused:
        services.submit(report, lock_version=1, actor=cast["admin_a"])
    assert refused.value.problems
    db.session.rollback()
    assert db.session.get(Report, report.id).status == SubmissionStatus.DRAFT
    assert outbox() == []


def test_submit_refused_in_a_closed_cycle_and_allowed_when_reopened(db, cast, reviewer, outbox):
    report = make_report(db, cast["org_a"])
    fill_completely(report, cast["editor_a"])
    cycles.close_cycle(report.cycle, actor=reviewer)

    with pytest.raises(services.ReportRefused, match="closed"):
        services.submit(report, lock_version=report.lock_version, actor=cast["admin_a"])
    db.session.rollback()
    assert db.session.get(Report, report.id).status == SubmissionStatus.DRAFT
    assert outbox() == []

    cycles.reopen_for(
        report.cycle,
        cast["org_a"],
        due_on=date.today() + timedelta(days=14),
        reason="Personalwechsel",
        actor=reviewer,
    )
    services.submit(report, lock_version=report.lock_version, actor=cast["admin_a"])
    assert db.session.get(Report, report.id).status == SubmissionStatus.SUBMITTED


def test_submit_refused_after_a_change_since_the_check(db, cast):
    report = make_report(db, cast["org_a"])
    fill_completely(report, cast["editor_a"])
    checked = report.lock_version
    services.save_assessment(
        report,
        queries.load_content(report),
        {"overall_assessment": "Anders.", "challenges": "x", "next_steps": "y"},
        False,
        lock_version=checked,
        actor=cast["editor_a"],
    )
    with pytest.raises(services.ReportRefused, match="check it again"):
        services.submit(report, lock_version=checked, actor=cast["admin_a"])


def test_submit_twice_and_editor_submitting_are_refused(db, cast):
    report = make_report(db, cast["org_a"])
    fill_completely(report, cast["editor_a"])
    with pytest.raises(services.ReportRefused, match="role"):
        services.submit(report, lock_version=report.lock_version, actor=cast["editor_a"])
    db.session.rollback()
    report = db.session.get(Report, report.id)
    services.submit(report, lock_version=report.lock_version, actor=cast["admin_a"])
    with pytest.raises(services.ReportRefused, match="already been submitted"):
        services.submit(report, lock_version=report.lock_version, actor=cast["admin_a"])


def test_saving_a_submitted_report_is_refused(db, cast):
    report = make_report(db, cast["org_a"])
    fill_completely(report, cast["editor_a"])
    services.submit(report, lock_version=report.lock_version, actor=cast["admin_a"])
    with pytest.raises(services.ReportRefused, match="cannot be changed"):
        services.save_figures(
            report,
            queries.load_content(report),
            all_figures(),
            lock_version=report.lock_version,
            actor=cast["editor_a"],
        )


def test_withdraw_before_the_review(db, cast, reviewer, outbox):
    report = make_report(db, cast["org_a"])
    with pytest.raises(services.ReportRefused, match="waits for the ministry"):
        services.withdraw(report, actor=cast["admin_a"])
    fill_completely(report, cast["editor_a"])
    services.submit(report, lock_version=report.lock_version, actor=cast["admin_a"])

    services.withdraw(report, actor=cast["admin_a"])

    assert db.session.get(Report, report.id).status == SubmissionStatus.DRAFT
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "withdraw"))
    # The reviewers heard of the submission and of the withdrawal.
    assert len([m for m in outbox() if m.recipient == reviewer.email]) == 2


def test_withdraw_refused_once_the_ministry_decided_or_the_cycle_closed(db, cast, reviewer):
    from portal import workflow

    report = make_report(db, cast["org_a"])
    fill_completely(report, cast["editor_a"])
    services.submit(report, lock_version=report.lock_version, actor=cast["admin_a"])
    cycles.close_cycle(report.cycle, actor=reviewer)
    with pytest.raises(services.ReportRefused, match="closed"):
        services.withdraw(report, actor=cast["admin_a"])
    workflow.apply_transition(report, "approve", reviewer)
    with pytest.raises(services.ReportRefused, match="waits for the ministry"):
        services.withdraw(report, actor=cast["admin_a"])


# --- optimistic locking -------------------------------------------------------------------------


def test_a_save_from_an_older_version_shows_what_someone_else_changed(db, cast):
    report = make_report(db, cast["org_a"])
    opened = report.lock_version
    services.save_figures(
        report,
        queries.load_content(report),
        figures_by_key(employees_total=120),
        lock_version=opened,
        actor=cast["admin_a"],
    )

    with pytest.raises(services.ReportConflict) as conflict:
        services.save_figures(
            report,
            queries.load_content(report),
            figures_by_key(employees_total=90),
            lock_version=opened,
            actor=cast["editor_a"],
        )

    [change] = conflict.value.changes
    assert change.label == "Employees in total"
    assert (change.saved, change.yours) == ("120", "90")
    assert change.by == cast["admin_a"].name
    db.session.rollback()
    assert _saved_values(db, report) == {"employees_total": (120, False)}


def test_an_older_version_may_save_answers_nobody_else_changed(db, cast):
    report = make_report(db, cast["org_a"])
    opened = report.lock_version
    services.save_figures(
        report,
        queries.load_content(report),
        figures_by_key(employees_total=120),
        lock_version=opened,
        actor=cast["admin_a"],
    )
    # Another part of the report, opened before that save: nothing to overwrite.
    services.save_assessment(
        report,
        queries.load_content(report),
        {"overall_assessment": "Gut."},
        False,
        lock_version=opened,
        actor=cast["editor_a"],
    )
    assert db.session.get(Report, report.id).overall_assessment == "Gut."


def test_a_save_slipping_in_between_is_caught_by_the_version_check(db, cast):
    report = make_report(db, cast["org_a"])
    content = queries.load_content(report)
    # Someone else's transaction bumps the version after this request loaded the report.
    with db.engine.begin() as connection:
        connection.execute(
            update(Report)
            .where(Report.id == report.id)
            .values(lock_version=Report.lock_version + 1)
        )
    with pytest.raises(services.ReportConflict):
        services.save_figures(
            report,
            content,
            figures_by_key(employees_total=5),
            lock_version=1,
            actor=cast["editor_a"],
        )
    assert _saved_values(db, report) == {}


# --- pre-fill and last year's figures -----------------------------------------------------------


def test_prefilled_texts_are_kept_and_last_years_figures_shown(db, cast, reviewer):
    organisation = cast["org_a"]
    old = make_report(db, organisation, year=2024)
    services.save_figures(
        old,
        queries.load_content(old),
        figures_by_key(employees_total=200, employees_migration=50, trainees_total="ns"),
        lock_version=1,
        actor=cast["editor_a"],
    )
    old.overall_assessment = "Im ersten Jahr viel gelernt."
    old.progress[0].narrative = "Leitfaden geschrieben."
    old.progress[0].status = MeasureStatus.IN_PROGRESS
    old.status = SubmissionStatus.APPROVED
    db.session.commit()

    new = make_report(db, organisation, year=2025, concept=old.concept)
    content = queries.load_content(new)
    assert new.overall_assessment == "Im ersten Jahr viel gelernt."
    assert content.figures == {}
    assert content.last_year == 2024
    employees, part = content.groups[0][0], content.groups[0][1][0]
    assert content.last_figures[employees.id] == Figure(200)
    assert content.share(part, last=True) == Decimal("25.0")

    # Saving the figures leaves the carried-over texts alone.
    services.save_figures(
        new, content, figures_by_key(employees_total=210), lock_version=1, actor=cast["admin_a"]
    )
    new = db.session.get(Report, new.id)
    assert new.overall_assessment == "Im ersten Jahr viel gelernt."
    lineage = old.progress[0].lineage_id
    assert queries.load_content(new).progress[lineage].narrative == "Leitfaden geschrieben."


# --- the organisation's home page ---------------------------------------------------------------


def test_open_report_summary(db, cast, reviewer):
    today = date(2026, 3, 1)
    report = make_report(db, cast["org_a"], year=2025, due_on=date(2026, 3, 31))
    summary = services.open_report_summary(cast["org_a"], today=today)
    assert (summary.report.id, summary.year, summary.due_on) == (
        report.id,
        2025,
        report.cycle.due_on,
    )
    assert (summary.state, summary.days_left) == ("open", 30)

    late = services.open_report_summary(cast["org_a"], today=date(2026, 4, 3))
    assert (late.state, late.days_overdue) == ("overdue", 3)

    cycles.extend_due_date(
        report.cycle,
        due_on=date(2026, 4, 30),
        reason="Umzug",
        actor=reviewer,
        organisation=cast["org_a"],
    )
    extended = services.open_report_summary(cast["org_a"], today=date(2026, 4, 3))
    assert extended.extended and extended.days_left == 27

    assert services.open_report_summary(cast["org_b"], today=today) is None
    cycles.close_cycle(report.cycle, actor=reviewer)
    assert services.open_report_summary(cast["org_a"], today=today) is None
