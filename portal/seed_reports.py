"""Demo history of the annual reports, on top of `portal.seed.seed_demo`'s organisations.

Relative to today (so the demo never goes stale), with Y = last year:
- the cycles Y-2 and Y-1, closed: approved reports of almost every active partner with key
  figures that grow a little year on year, progress per measure with narratives (for partners
  with a concept in force), and one good-practice story shared with the network; in Y-2 one
  partner submitted late and another never did (non-reporting), in Y-1 one submitted late;
- the cycle Y, open since January and due on 31 March: a draft report, pre-filled from the year
  before, for every active partner (Kreis Minden-Lübbecke included), and one organisation with an
  extension of its own. Once 31 March has passed, the demo's due date is extended for everyone
  (as a reviewer would), so the open cycle shows reports still to come rather than 37 overdue
  partners.

Idempotent: a cycle that exists already is left as it is. No e-mail is queued."""

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from portal.cycles.queries import partners_owing_a_report
from portal.extensions import db
from portal.models import (
    AuditEntry,
    CycleExtension,
    Indicator,
    MeasureProgress,
    MeasureStatus,
    Organisation,
    Report,
    ReportingCycle,
    ReportValue,
    Role,
    Sector,
    SubmissionStatus,
    User,
)
from portal.reports.cycles import DEFAULT_GRACE_MONTHS, add_months, default_due_date
from portal.reports.prefill import new_report

REVIEWER_EMAIL = "pruefung@example.org"
MINDEN = "Kreis Minden-Lübbecke"
# The partners whose reports did not come in on time, by cycle (0: the older past cycle).
LATE = {0: "Ruhrperle Gastronomie GmbH", 1: "Kupferkessel Brauerei KG"}
MISSING = {1: "Ruhrperle Gastronomie GmbH"}
# In the open cycle this partner has a later due date of its own.
OWN_EXTENSION = ("Jugendwerk Sternschnuppe e. V.", "Wechsel in der Geschäftsführung im Februar.")
EVERYONE_EXTENSION_REASON = (
    "Verlängert für alle Partner wegen der Umstellung auf das neue Partnerportal."
)

GOOD_PRACTICE_STORY = (
    "Mit einem internen Verzeichnis der Sprachkenntnisse finden Bürgerinnen und Bürger im "
    "Kreishaus schnell eine Ansprechperson, die ihre Sprache spricht. 64 Beschäftigte haben sich "
    "mit 19 Sprachen eingetragen, darunter Türkisch, Arabisch, Russisch, Polnisch und "
    "Ukrainisch. Die Einträge sind freiwillig; die Personalvertretung war von Beginn an "
    "beteiligt. Andere Verwaltungen können das Verfahren mit wenig Aufwand übernehmen."
)
UNSHARED_STORY = (
    "Unsere Auszubildenden haben einen Aktionstag in einer Gesamtschule gestaltet und dort über "
    "ihre Ausbildung berichtet. Drei Schülerinnen haben sich danach beworben."
)


def seed_report_history(today: date | None = None) -> dict:
    """Add the demo cycles and reports that are missing; commits. Returns what exists."""
    today = today or date.today()
    reviewer = db.session.scalar(select(User).where(User.email == REVIEWER_EMAIL))
    indicators = {i.key: i for i in db.session.scalars(select(Indicator))}
    open_year = today.year - 1
    for index, year in enumerate((open_year - 2, open_year - 1)):
        if not _cycle_exists(year):
            _past_cycle(year, index, reviewer, indicators)
    if not _cycle_exists(open_year):
        _open_cycle(open_year, today, reviewer)
    db.session.commit()
    return {
        "cycles": db.session.scalar(select(func.count(ReportingCycle.id))),
        "reports": db.session.scalar(select(func.count(Report.id))),
    }


def _cycle_exists(year: int) -> bool:
    return (
        db.session.scalar(select(ReportingCycle.id).where(ReportingCycle.year == year)) is not None
    )


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour, 0))


def _audit(action, obj, at: datetime, actor=None, organisation_id=None, **fields) -> None:
    data = {key: str(value) for key, value in fields.pop("data", {}).items()}
    db.session.add(
        AuditEntry(
            created_at=at,
            actor_id=actor.id if actor else None,
            organisation_id=organisation_id,
            action=action,
            object_type=obj.__tablename__,
            object_id=obj.id,
            data=data,
            **fields,
        )
    )


def _new_cycle(year: int, opens_on: date, due_on: date, reviewer) -> ReportingCycle:
    cycle = ReportingCycle(
        year=year,
        opens_on=opens_on,
        due_on=due_on,
        grace_months=DEFAULT_GRACE_MONTHS,
        opened_by_id=reviewer.id if reviewer else None,
        created_at=_at(opens_on, 8),
    )
    db.session.add(cycle)
    db.session.flush()
    return cycle


def _start_reports(cycle: ReportingCycle) -> list[Report]:
    reports = []
    for organisation in db.session.scalars(partners_owing_a_report(cycle.year)):
        report = new_report(cycle, organisation)
        report.created_at = _at(cycle.opens_on, 8)
        report.status_changed_at = report.updated_at = _at(cycle.opens_on, 8)
        reports.append(report)
    _audit(
        "cycle_opened",
        cycle,
        _at(cycle.opens_on, 8),
        actor=db.session.get(User, cycle.opened_by_id) if cycle.opened_by_id else None,
        data={"year": cycle.year, "due_on": cycle.due_on.isoformat(), "reports": len(reports)},
    )
    return reports


# --- the two past cycles ------------------------------------------------------------------------


def _past_cycle(year: int, index: int, reviewer, indicators: dict) -> None:
    due_on = default_due_date(year)
    cycle = _new_cycle(year, date(year + 1, 1, 15), due_on, reviewer)
    for report in _start_reports(cycle):
        name = report.organisation.name
        if MISSING.get(index) == name:
            continue  # never submitted: a draft, and its partner non-reporting
        rng = random.Random(f"{name}/{year}")
        if LATE.get(index) == name:
            submitted = due_on + timedelta(days=rng.randint(12, 40))
        else:
            submitted = due_on - timedelta(days=rng.randint(2, 45))
        approved = submitted + timedelta(days=rng.randint(8, 30))
        _write_report(report, year, indicators, story=_story(name, index), later=index == 1)
        _submit_and_approve(report, reviewer, _at(submitted, 14), _at(approved, 11))
    closed_at = _at(add_months(due_on, DEFAULT_GRACE_MONTHS) + timedelta(days=33), 10)
    cycle.closed_at = closed_at
    cycle.closed_by_id = reviewer.id if reviewer else None
    _audit("cycle_closed", cycle, closed_at, actor=reviewer, data={"year": year})


def _story(name: str, index: int) -> tuple[str, bool]:
    if name == MINDEN and index == 1:
        return GOOD_PRACTICE_STORY, True
    if name == "Stadt Birkenhagen" and index == 0:
        return UNSHARED_STORY, False
    return "", False


def _submit_and_approve(report: Report, reviewer, submitted: datetime, approved: datetime) -> None:
    admin = db.session.scalar(
        select(User)
        .where(User.organisation_id == report.organisation_id, User.role == Role.PARTNER_ADMIN)
        .order_by(User.id)
        .limit(1)
    )
    report.status = SubmissionStatus.APPROVED
    report.submitted_at = submitted
    report.approved_at = approved
    report.status_changed_at = report.updated_at = approved
    for action, at, actor, source, target in (
        ("submit", submitted, admin, SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED),
        ("approve", approved, reviewer, SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED),
    ):
        _audit(
            action,
            report,
            at,
            actor=actor,
            organisation_id=report.organisation_id,
            from_state=source.value,
            to_state=target.value,
        )


# --- figures and texts --------------------------------------------------------------------------

EMPLOYEES = {
    Sector.AUTHORITY: (400, 2600),
    Sector.COMPANY: (60, 1200),
    Sector.ASSOCIATION: (15, 150),
}


def key_figures(organisation: Organisation, year: int) -> dict[str, int | None]:
    """Plausible aggregate counts of one organisation in one year, the same on every run; the
    shares grow a little from year to year. None means "not surveyed"."""
    rng = random.Random(organisation.name)
    low, high = EMPLOYEES[organisation.sector]
    base = 1480 if organisation.name == MINDEN else rng.randint(low, high)
    share = 0.11 if organisation.name == MINDEN else rng.uniform(0.08, 0.22)
    t = year - 2020
    share = min(share + 0.009 * t, 0.6)
    employees = round(base * (1 + 0.012 * t))
    trainees = max(round(employees * rng.uniform(0.03, 0.07)), 1)
    hires = max(round(employees * rng.uniform(0.05, 0.09)), 1)
    managers = max(round(employees * rng.uniform(0.07, 0.11)), 1)
    small = organisation.sector == Sector.ASSOCIATION
    return {
        "employees_total": employees,
        "employees_migration": round(employees * share),
        "trainees_total": trainees,
        "trainees_migration": min(round(trainees * (share + 0.07)), trainees),
        "hires_total": hires,
        # Small associations do not survey what would point to single people.
        "hires_migration": None if small else min(round(hires * (share + 0.05)), hires),
        "managers_total": managers,
        "managers_migration": None if small else round(managers * share * 0.5),
        "managers_trained": min(round(managers * min(0.2 + 0.1 * t, 0.9)), managers),
        "staff_trained": min(round(employees * min(0.05 + 0.035 * t, 0.6)), employees),
        "trainers_trained": 2 + t + rng.randint(0, 4),
        "languages_offered": 4 + t + rng.randint(0, 6),
    }


NARRATIVES = (
    "{year} wurde die Maßnahme wie geplant fortgeführt. Die Rückmeldungen der Beteiligten sind "
    "überwiegend positiv.",
    "Im Jahr {year} kamen zwei neue Formate hinzu. Die Nachfrage war größer als erwartet.",
    "{year} haben wir die Maßnahme ausgewertet und das Vorgehen an einigen Stellen angepasst.",
    "Die Umsetzung lag {year} bei der Personalabteilung; eine Arbeitsgruppe begleitet sie.",
)


def _write_report(
    report: Report, year: int, indicators: dict, *, story: tuple[str, bool], later: bool
) -> None:
    """Figures, texts and progress of an approved report; `later` is the second past cycle, in
    which the third measure was completed."""
    organisation = report.organisation
    figures = key_figures(organisation, year)
    for key, value in figures.items():
        report.values.append(
            ReportValue(indicator=indicators[key], value=value, not_surveyed=value is None)
        )
    report.overall_assessment = (
        f"{organisation.name} ist {year} bei der interkulturellen Öffnung gut vorangekommen. "
        f"Der Anteil der Beschäftigten mit Einwanderungsgeschichte ist leicht gestiegen."
    )
    report.challenges = (
        "Der Fachkräftemangel erschwert die Personalgewinnung; die freiwillige Befragung "
        "erreicht noch nicht alle Beschäftigten."
    )
    report.next_steps = (
        f"Für {year + 1} planen wir weitere Fortbildungen für Führungskräfte und eine "
        "Wiederholung der anonymen Beschäftigtenbefragung."
    )
    report.good_practice_story, report.share_story = story
    progress: list[MeasureProgress] = list(report.progress)
    for position, row in enumerate(progress):
        row.status = (
            MeasureStatus.COMPLETED if position == 2 and later else MeasureStatus.IN_PROGRESS
        )
        row.narrative = NARRATIVES[position % len(NARRATIVES)].format(year=year)
        indicator = row.measure.indicator
        row.actual_value = figures.get(indicator.key) if indicator is not None else None


# --- the open cycle -----------------------------------------------------------------------------


def _month_end(day: date) -> date:
    return add_months(day.replace(day=1), 1) - timedelta(days=1)


def _open_cycle(year: int, today: date, reviewer) -> None:
    opens_on = min(date(year + 1, 1, 15), today)
    due_on = default_due_date(year)
    cycle = _new_cycle(year, opens_on, due_on, reviewer)
    reports = _start_reports(cycle)
    if today > due_on:
        # As a reviewer would: without it every partner of the demo would be overdue.
        extended_to = _month_end(add_months(today, 2))
        cycle.due_on = extended_to
        _audit(
            "cycle_extended",
            cycle,
            _at(due_on, 16),
            actor=reviewer,
            comment=EVERYONE_EXTENSION_REASON,
            data={
                "year": year,
                "previous_due_on": due_on.isoformat(),
                "due_on": extended_to.isoformat(),
            },
        )
    name, reason = OWN_EXTENSION
    organisation = next((r.organisation for r in reports if r.organisation.name == name), None)
    if organisation is not None:
        own_due = cycle.due_on + timedelta(days=30)
        db.session.add(
            CycleExtension(
                cycle_id=cycle.id,
                organisation_id=organisation.id,
                due_on=own_due,
                reason=reason,
                granted_by_id=reviewer.id if reviewer else None,
            )
        )
        _audit(
            "cycle_extended",
            cycle,
            _at(min(today, cycle.due_on), 15),
            actor=reviewer,
            organisation_id=organisation.id,
            comment=reason,
            data={
                "year": year,
                "organisation_id": organisation.id,
                "previous_due_on": cycle.due_on.isoformat(),
                "due_on": own_due.isoformat(),
            },
        )
