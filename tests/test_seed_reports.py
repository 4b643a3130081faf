"""The demo history of annual reports on top of the demo network: two closed cycles with
approved reports, a late and a missing one, and the open cycle with a draft for every active
partner; relative to today, and idempotent."""

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.cycles import queries
from portal.models import (
    AuditEntry,
    CycleExtension,
    Indicator,
    MeasureProgress,
    MeasureStatus,
    Organisation,
    OrganisationStatus,
    Report,
    ReportingCycle,
    ReportValue,
    SubmissionStatus,
    User,
)
from portal.reports.figures import Figure, figure_problems
from portal.seed import seed_demo
from portal.seed_reports import key_figures, seed_report_history

pytestmark = pytest.mark.db

TODAY = date.today()


def _counts(db) -> dict:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (
            ReportingCycle,
            Report,
            ReportValue,
            MeasureProgress,
            CycleExtension,
            AuditEntry,
        )
    }


def _cycle(db, year) -> ReportingCycle:
    return db.session.scalar(select(ReportingCycle).where(ReportingCycle.year == year))


def _report_of(db, name, year) -> Report:
    return db.session.scalar(
        select(Report)
        .join(Organisation, Organisation.id == Report.organisation_id)
        .join(ReportingCycle, ReportingCycle.id == Report.cycle_id)
        .where(Organisation.name == name, ReportingCycle.year == year)
    )


@pytest.fixture(autouse=True)
def _quick_passwords(monkeypatch):
    """The demo's 40 scrypt hashes would take most of the time; these tests never log in."""
    monkeypatch.setattr(User, "set_password", lambda user, _password: None)


@pytest.fixture
def demo(db):
    seed_demo()
    seed_report_history()
    return db


def test_two_closed_cycles_with_figures_and_twice_changes_nothing(demo):
    db = demo
    before = _counts(db)
    assert seed_report_history() == {"cycles": 3, "reports": before["Report"]}
    assert _counts(db) == before

    open_year = TODAY.year - 1
    active = db.session.scalar(
        select(func.count(Organisation.id)).where(Organisation.status == OrganisationStatus.ACTIVE)
    )
    years = db.session.scalars(select(ReportingCycle.year).order_by(ReportingCycle.year)).all()
    assert years == [open_year - 2, open_year - 1, open_year]
    for year in years:
        assert queries.cycle_counts(_cycle(db, year), TODAY).total == active == 37

    # The past cycles: closed, approved reports, one late each, one never submitted.
    older, newer = _cycle(db, TODAY.year - 3), _cycle(db, TODAY.year - 2)
    assert older.is_closed and newer.is_closed
    assert older.due_on == date(older.year + 1, 3, 31)

    counts = queries.cycle_counts(older, TODAY)
    assert (counts.submitted_on_time, counts.submitted_late, counts.missing) == (36, 1, 0)
    counts = queries.cycle_counts(newer, TODAY)
    assert (counts.submitted_on_time, counts.submitted_late) == (35, 1)
    assert counts.non_reporting == 1
    missing = _report_of(db, "Ruhrperle Gastronomie GmbH", newer.year)
    assert missing.status == SubmissionStatus.DRAFT and missing.submitted_at is None
    approved = db.session.scalar(
        select(func.count(Report.id)).where(Report.status == SubmissionStatus.APPROVED)
    )
    assert approved == 73

    entries = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_type == "report")
    ).all()
    assert entries.count("submit") == entries.count("approve") == 73

    # Figures keep the rules of the report form and grow a little year on year.
    indicators = db.session.scalars(select(Indicator)).all()
    by_id = {i.id: i for i in indicators}
    for report in db.session.scalars(
        select(Report).where(Report.status == SubmissionStatus.APPROVED)
    ):
        figures = {
            v.indicator_id: Figure(value=v.value, not_surveyed=v.not_surveyed)
            for v in report.values
        }
        assert len(figures) == len(by_id)
        assert figure_problems(figures, indicators, complete=True) == {}

    minden = db.session.scalar(
        select(Organisation).where(Organisation.name == "Kreis Minden-Lübbecke")
    )
    older, newer = key_figures(minden, TODAY.year - 3), key_figures(minden, TODAY.year - 2)
    assert newer["employees_total"] > older["employees_total"]
    share = lambda f: f["employees_migration"] / f["employees_total"]  # noqa: E731
    assert share(older) < share(newer) < 0.3


def test_minden_reports_progress_and_the_open_cycle_has_every_draft(demo):
    db = demo
    name = "Kreis Minden-Lübbecke"
    newer = _report_of(db, name, TODAY.year - 2)
    assert newer.status == SubmissionStatus.APPROVED
    assert len(newer.progress) == 5
    assert all(p.narrative for p in newer.progress)
    assert MeasureStatus.COMPLETED in {p.status for p in newer.progress}
    employees = next(p for p in newer.progress if p.measure.indicator is not None)
    assert employees.actual_value is not None
    shared = db.session.scalars(select(Report).where(Report.share_story.is_(True))).all()
    assert [r.id for r in shared] == [newer.id]
    assert "Sprachkenntnisse" in newer.good_practice_story

    draft = _report_of(db, name, TODAY.year - 1)
    assert draft.status == SubmissionStatus.DRAFT
    assert draft.values == []
    # Pre-filled from last year: statuses and narratives, not figures.
    assert {p.narrative for p in draft.progress} == {p.narrative for p in newer.progress}
    assert all(p.actual_value is None for p in draft.progress)

    # The open cycle: a draft for every active partner, not yet due.
    cycle = _cycle(db, TODAY.year - 1)
    assert not cycle.is_closed
    assert cycle.opens_on <= TODAY
    assert cycle.opens_on.year == TODAY.year and cycle.opens_on.month == 1
    statuses = db.session.scalars(select(Report.status).where(Report.cycle_id == cycle.id)).all()
    assert set(statuses) == {SubmissionStatus.DRAFT} and len(statuses) == 37
    counts = queries.cycle_counts(cycle, TODAY)
    assert counts.open == 37
    extension = db.session.scalar(select(CycleExtension))
    assert extension.organisation_id == (
        _report_of(db, "Jugendwerk Sternschnuppe e. V.", cycle.year).organisation_id
    )
    assert extension.due_on > cycle.due_on


def test_before_the_due_date_the_open_cycle_keeps_31_march(db):
    seed_demo(report_history=False)
    seed_report_history(today=date(2027, 1, 3))
    cycle = _cycle(db, 2026)
    assert cycle.opens_on == date(2027, 1, 3)
    assert cycle.due_on == date(2027, 3, 31)
    assert (
        db.session.scalar(
            select(func.count(AuditEntry.id)).where(
                AuditEntry.action == "cycle_extended", AuditEntry.organisation_id.is_(None)
            )
        )
        == 0
    )


def test_after_31_march_the_demo_extends_for_everyone(db):
    seed_demo(report_history=False)
    seed_report_history(today=date(2027, 11, 26))
    cycle = _cycle(db, 2026)
    assert cycle.due_on == date(2028, 1, 31)
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "cycle_extended", AuditEntry.organisation_id.is_(None)
        )
    )
    assert entry.data["previous_due_on"] == "2027-03-31"
    assert queries.cycle_counts(cycle, date(2027, 11, 26)).open == 37
