"""Reading a report for its pages: everything a page shows in a fixed number of queries, whatever
the number of measures or indicators.

`load_content(report)` gathers the active indicators, this year's and last year's key figures, the
measures reported on and their progress rows. While a report can be changed, its measures are those
of the concept in force (a concept amended since the report was started brings its new measures);
once submitted, the measures are those the report's progress rows name, so what was submitted stays
what is shown."""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from portal.extensions import db
from portal.i18n import localized
from portal.models import (
    Concept,
    CycleExtension,
    Indicator,
    Measure,
    MeasureProgress,
    Report,
    ReportingCycle,
    ReportValue,
    SubmissionStatus,
)
from portal.reports.cycles import Standing, standing
from portal.reports.figures import Figure, share


def local_today() -> date:
    """Today in the portal's time zone (due dates are German calendar days)."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Europe/Berlin")
    return datetime.now(zone).date()


@dataclass
class ReportContent:
    """What the report pages show. Figures and progress are keyed by indicator id and measure
    lineage; `last_*` are last year's report's (empty when there is none)."""

    report: Report
    indicators: list[Indicator]
    figures: dict[int, Figure]
    measures: list[Measure]
    progress: dict[str, MeasureProgress]
    last_year: int | None = None
    last_figures: dict[int, Figure] = field(default_factory=dict)
    last_progress: dict[str, MeasureProgress] = field(default_factory=dict)

    @property
    def groups(self) -> list[tuple[Indicator, list[Indicator]]]:
        """Each total with the figures that are part of it ("of whom ..."), in order."""
        parts: dict[int, list[Indicator]] = {}
        for indicator in self.indicators:
            if indicator.part_of_id is not None:
                parts.setdefault(indicator.part_of_id, []).append(indicator)
        known = {i.id for i in self.indicators}
        groups = []
        for indicator in self.indicators:
            if indicator.part_of_id is None or indicator.part_of_id not in known:
                groups.append((indicator, parts.get(indicator.id, [])))
        return groups

    def indicator(self, indicator_id: int) -> Indicator | None:
        return next((i for i in self.indicators if i.id == indicator_id), None)

    def figure_label(self, indicator: Indicator) -> str:
        """The figure's name; a part names its total too ("Employees in total – of whom with
        immigration history"), so it is clear wherever it stands alone (error summary, check)."""
        total = self.indicator(indicator.part_of_id) if indicator.part_of_id else None
        if total is None:
            return localized(indicator)
        return _("%(total)s – %(part)s", total=localized(total), part=localized(indicator))

    def measure_number(self, measure: Measure) -> int:
        return next((n for n, m in enumerate(self.measures, start=1) if m.id == measure.id), 0)

    def measure_label(self, measure: Measure) -> str:
        return _(
            "Measure %(number)s: %(title)s",
            number=self.measure_number(measure),
            title=measure.title,
        )

    def share(self, indicator: Indicator, *, last: bool = False):
        """The part as a percentage of its total (this year or last year), or None."""
        if indicator.part_of_id is None:
            return None
        figures = self.last_figures if last else self.figures
        part = figures.get(indicator.id, Figure()).value
        whole = figures.get(indicator.part_of_id, Figure()).value
        return share(part, whole)


def active_indicators() -> list[Indicator]:
    return list(
        db.session.scalars(
            select(Indicator)
            .where(Indicator.is_active.is_(True))
            .order_by(Indicator.position, Indicator.id)
        )
    )


def _figures_of(values) -> dict[int, Figure]:
    return {v.indicator_id: Figure(v.value, bool(v.not_surveyed)) for v in values}


def _measure_options():
    return (selectinload(Measure.field_of_action), selectinload(Measure.indicator))


def measures_in_force(organisation_id: int) -> list[Measure] | None:
    """The measures of the approved concept with the highest version number, in order, with
    their field of action and indicator; None without an approved concept."""
    concept = db.session.scalar(
        select(Concept)
        .where(
            Concept.organisation_id == organisation_id,
            Concept.status == SubmissionStatus.APPROVED,
        )
        .order_by(Concept.version_number.desc())
        .limit(1)
    )
    if concept is None:
        return None
    return list(
        db.session.scalars(
            select(Measure)
            .where(Measure.concept_id == concept.id)
            .order_by(Measure.position, Measure.id)
            .options(*_measure_options())
        )
    )


def _previous_report(report: Report) -> Report | None:
    return db.session.scalar(
        select(Report)
        .join(ReportingCycle, Report.cycle_id == ReportingCycle.id)
        .where(
            Report.organisation_id == report.organisation_id,
            ReportingCycle.year < report.cycle.year,
        )
        .order_by(ReportingCycle.year.desc())
        .options(
            contains_eager(Report.cycle),
            selectinload(Report.values),
            selectinload(Report.progress),
        )
        .limit(1)
    )


def load_content(report: Report) -> ReportContent:
    """Everything about the report the pages show; about ten queries whatever its size."""
    indicators = active_indicators()
    values = db.session.scalars(select(ReportValue).where(ReportValue.report_id == report.id))
    rows = list(
        db.session.scalars(
            select(MeasureProgress)
            .where(MeasureProgress.report_id == report.id)
            .options(
                selectinload(MeasureProgress.measure).selectinload(Measure.field_of_action),
                selectinload(MeasureProgress.measure).selectinload(Measure.indicator),
            )
        )
    )
    progress = {row.lineage_id: row for row in rows}
    measures = measures_in_force(report.organisation_id) if report.is_editable else None
    if measures is None:
        measures = sorted((row.measure for row in rows), key=lambda m: (m.position, m.id))
    content = ReportContent(
        report=report,
        indicators=indicators,
        figures=_figures_of(values),
        measures=measures,
        progress=progress,
    )
    last = _previous_report(report)
    if last is not None:
        content.last_year = last.cycle.year
        content.last_figures = _figures_of(last.values)
        content.last_progress = {row.lineage_id: row for row in last.progress}
    return content


# --- the organisation's reports -------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRow:
    """A report with its due date (extensions included) and where it stands today."""

    report: Report
    due_on: date
    extended: bool
    reopened: bool
    standing: Standing

    @property
    def cycle(self) -> ReportingCycle:
        return self.report.cycle

    @property
    def accepts_submissions(self) -> bool:
        return not self.cycle.is_closed or self.reopened


def _extensions(organisation_id: int, cycle_ids) -> dict[int, CycleExtension]:
    if not cycle_ids:
        return {}
    return {
        e.cycle_id: e
        for e in db.session.scalars(
            select(CycleExtension).where(
                CycleExtension.organisation_id == organisation_id,
                CycleExtension.cycle_id.in_(cycle_ids),
            )
        )
    }


def report_rows(organisation_id: int, reports: list[Report], today: date) -> list[ReportRow]:
    """Due dates and standings of the organisation's reports (cycles loaded); one query."""
    extensions = _extensions(organisation_id, [r.cycle_id for r in reports])
    rows = []
    for report in reports:
        extension = extensions.get(report.cycle_id)
        due_on = extension.due_on if extension else report.cycle.due_on
        rows.append(
            ReportRow(
                report=report,
                due_on=due_on,
                extended=extension is not None,
                reopened=bool(extension and extension.reopened),
                standing=standing(
                    status=report.status,
                    submitted_at=report.submitted_at,
                    due_on=due_on,
                    grace_months=report.cycle.grace_months,
                    today=today,
                ),
            )
        )
    return rows


def reports_of(organisation_id: int):
    """The organisation's reports, newest year first, with their cycle (for db.paginate)."""
    return (
        select(Report)
        .join(ReportingCycle, Report.cycle_id == ReportingCycle.id)
        .where(Report.organisation_id == organisation_id)
        .order_by(ReportingCycle.year.desc())
        .options(contains_eager(Report.cycle))
    )


def report_row(report: Report, today: date) -> ReportRow:
    return report_rows(report.organisation_id, [report], today)[0]
