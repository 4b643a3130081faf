"""Write operations of the partner's annual report: save the key figures, the progress per
measure and the assessment (also by autosave), submit, withdraw, comment; and the summary of the
open report for the organisation's home page.

Each save checks that the report can still be changed, compares the typed answers with the saved
ones, changes only what differs, bumps the report's `lock_version` (SQLAlchemy's version check
catches a save slipping in between), writes one audit entry naming the changed answers and
commits. A save from an older version is refused (ReportConflict) only when someone else changed
one of the very answers being saved since then, to a different value than the user's
(portal/reports/changes.py); so two colleagues can work on different parts at the same time."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.exc import StaleDataError

from portal import audit, comments, mail, workflow
from portal.extensions import db
from portal.models import (
    Comment,
    MeasureProgress,
    Organisation,
    Report,
    ReportingCycle,
    ReportValue,
    SubmissionStatus,
    User,
    utcnow,
)
from portal.reports import changes, cycles, queries
from portal.reports.completeness import missing_answers
from portal.reports.figures import Figure, figure_problems


class ReportRefused(Exception):
    """The step is not possible now (state, cycle, completeness); `reason` is for the user."""

    def __init__(self, reason, problems=None):
        super().__init__(str(reason))
        self.reason = reason
        self.problems = problems or []


class ReportConflict(Exception):
    """Someone else saved different answers since the user's page was opened. Nothing was saved;
    `changes` lists them (portal.reports.changes.Change)."""

    def __init__(self, changes_found):
        super().__init__("conflict")
        self.changes = changes_found


NOT_EDITABLE = _l(
    "This report has been submitted and cannot be changed now. Your entries were not saved."
)


def _check_editable(report: Report) -> None:
    if not report.is_editable:
        raise ReportRefused(NOT_EDITABLE)


def _save(report, content, section, proposed, *, lock_version, actor, apply) -> bool:
    """The common part of every save; returns whether anything changed."""
    _check_editable(report)
    saved = changes.section_values(section, content)
    if lock_version != report.lock_version:
        found = changes.conflicts(report, lock_version, proposed, saved, content)
        if found:
            raise ReportConflict(found)
    changed = changes.differing(proposed, saved)
    if not changed:
        return False
    report_id = report.id
    apply(report, content, {key: proposed[key] for key in changed})
    # Child rows alone would not touch the report row; this bumps lock_version.
    report.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        fresh = db.session.get(Report, report_id)
        fresh_content = queries.load_content(fresh)
        saved = changes.section_values(section, fresh_content)
        raise ReportConflict(
            changes.conflicts(fresh, lock_version, proposed, saved, fresh_content)
        ) from None
    audit.record(
        "report_saved",
        report,
        actor=actor,
        section=section,
        fields=",".join(changed),
        version=report.lock_version,
    )
    db.session.commit()
    return True


# --- key figures ------------------------------------------------------------------------------


def save_figures(
    report: Report, content, figures: dict[int, Figure], *, lock_version: int, actor: User
) -> bool:
    """Save the key figures of the active indicators (gaps allowed in a draft)."""
    known = {i.id for i in content.indicators}
    figures = {i: f for i, f in figures.items() if i in known}
    if figure_problems(figures, content.indicators):
        raise ReportRefused(_l("Please correct the key figures marked on the page."))
    return _save(
        report,
        content,
        "figures",
        changes.proposed_figures(figures),
        lock_version=lock_version,
        actor=actor,
        apply=_apply_figures,
    )


def _apply_figures(report, content, changed: dict) -> None:
    rows = {v.indicator_id: v for v in report.values}
    for key, (value, not_surveyed) in changed.items():
        indicator_id = int(key.split(":")[1])
        row = rows.get(indicator_id)
        if value is None and not not_surveyed:
            if row is not None:
                report.values.remove(row)
            continue
        if row is None:
            row = ReportValue(indicator_id=indicator_id)
            report.values.append(row)
        row.value = value
        row.not_surveyed = not_surveyed


# --- progress per measure -----------------------------------------------------------------------


def save_progress(
    report: Report, content, progress: dict[str, tuple], *, lock_version: int, actor: User
) -> bool:
    """Save status, actual value and narrative per measure (by lineage) of the measures shown."""
    known = {m.lineage_id for m in content.measures}
    progress = {lineage: entry for lineage, entry in progress.items() if lineage in known}
    for status, _actual, narrative in progress.values():
        if status == "dropped" and not (narrative or "").strip():
            raise ReportRefused(_l("A measure that was dropped needs a reason."))
    return _save(
        report,
        content,
        "progress",
        changes.proposed_progress(progress),
        lock_version=lock_version,
        actor=actor,
        apply=_apply_progress,
    )


def _apply_progress(report, content, changed: dict) -> None:
    measures = {m.lineage_id: m for m in content.measures}
    rows = {row.lineage_id: row for row in report.progress}
    for key, value in changed.items():
        _kind, lineage, part = key.split(":")
        row = rows.get(lineage)
        if row is None:
            # A measure of a concept version approved after the report was started.
            row = MeasureProgress(lineage_id=lineage, measure_id=measures[lineage].id)
            report.progress.append(row)
            rows[lineage] = row
        row.measure_id = measures[lineage].id
        setattr(row, part, value)


# --- assessment and story -----------------------------------------------------------------------


def save_assessment(
    report: Report, content, texts: dict[str, str], share_story: bool, *, lock_version, actor
) -> bool:
    proposed = {name: texts.get(name) or "" for name in changes.ASSESSMENT_KEYS[:-1]}
    proposed["share_story"] = bool(share_story)
    if proposed["share_story"] and not proposed["good_practice_story"].strip():
        raise ReportRefused(_l("Please write the story you want to share, or untick the box."))
    return _save(
        report,
        content,
        "assessment",
        proposed,
        lock_version=lock_version,
        actor=actor,
        apply=_apply_assessment,
    )


def _apply_assessment(report, content, changed: dict) -> None:
    for name, value in changed.items():
        setattr(report, name, value)


# --- submit and withdraw ------------------------------------------------------------------------


def _check_cycle(report: Report, refusal) -> None:
    if not cycles.accepts_submissions(report.cycle, report.organisation_id):
        raise ReportRefused(refusal)


def submit(report: Report, *, lock_version: int, actor: User) -> Report:
    """Submit the checked version to the ministry: the cycle must take submissions and every
    required answer must be given. Tells the organisation's people (receipt) and the reviewers."""
    if not report.is_editable:
        raise ReportRefused(_l("This report has already been submitted."))
    _check_cycle(
        report,
        _l(
            "The reporting cycle %(year)s is closed, so the report cannot be submitted any more. "
            "Nothing has been lost. Please contact the ministry if you still want to submit it.",
            year=report.cycle.year,
        ),
    )
    if lock_version != report.lock_version:
        raise ReportRefused(
            _l(
                "The report was changed after you opened this page. Please check it again before "
                "you submit it."
            )
        )
    problems = missing_answers(queries.load_content(report))
    if problems:
        raise ReportRefused(
            _l("The report is not complete yet. Please give the missing answers listed below."),
            problems,
        )
    for person in _organisation_people(report.organisation_id):
        mail.queue_mail_to_user(
            person, "report_received", report=report, actor=actor, submitted_on=utcnow()
        )
    try:
        workflow.apply_transition(report, "submit", actor)
    except workflow.TransitionError as refused:
        db.session.rollback()
        raise ReportRefused(refused.reason) from None
    except StaleDataError:
        db.session.rollback()
        raise ReportRefused(
            _l("Someone changed the report at the same moment. Please check it again.")
        ) from None
    return report


def withdraw(report: Report, *, actor: User) -> Report:
    """Take the report back into draft before a reviewer has decided on it."""
    if report.status != SubmissionStatus.SUBMITTED:
        raise ReportRefused(
            _l("The report can only be withdrawn while it waits for the ministry's review.")
        )
    _check_cycle(
        report,
        _l(
            "The reporting cycle %(year)s is closed: a withdrawn report could not be submitted "
            "again. Please contact the ministry instead.",
            year=report.cycle.year,
        ),
    )
    try:
        workflow.apply_transition(report, "withdraw", actor)
    except workflow.TransitionError as refused:
        db.session.rollback()
        raise ReportRefused(refused.reason) from None
    except StaleDataError:
        db.session.rollback()
        raise ReportRefused(
            _l("The ministry acted on the report at the same moment. Please reload the page.")
        ) from None
    return report


def _organisation_people(organisation_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(
                User.organisation_id == organisation_id,
                User.is_active_account.is_(True),
                User.password_hash.is_not(None),
            )
        )
    )


# --- comments -----------------------------------------------------------------------------------


def answer(report: Report, author: User, body: str, reply_to_id: int | None = None):
    """A partner's comment on the report, or an answer to a visible comment (portal.comments
    keeps internal comments out of reach); commits."""
    reply_to = None
    if reply_to_id is not None:
        reply_to = db.session.get(Comment, reply_to_id)
        if reply_to is None:
            raise comments.CommentRefused(_l("This comment belongs to another submission."))
    return comments.add_comment(report, author, body, reply_to=reply_to)


# --- the organisation's home page ---------------------------------------------------------------


@dataclass(frozen=True)
class OpenReport:
    """The report the organisation is working on: the year, due date and where it stands."""

    report: Report
    year: int
    due_on: date
    extended: bool
    state: str
    days_left: int | None
    days_overdue: int | None


def open_report_summary(organisation: Organisation, today: date | None = None) -> OpenReport | None:
    """The newest report still to be written or revised, in a cycle that takes submissions;
    None when there is none. Two queries."""
    report = db.session.scalar(
        select(Report)
        .join(ReportingCycle, Report.cycle_id == ReportingCycle.id)
        .where(
            Report.organisation_id == organisation.id,
            Report.status.in_([SubmissionStatus.DRAFT, SubmissionStatus.CHANGES_REQUESTED]),
        )
        .order_by(ReportingCycle.year.desc())
        .options(contains_eager(Report.cycle))
        .limit(1)
    )
    if report is None:
        return None
    row = queries.report_row(report, today or queries.local_today())
    if not row.accepts_submissions:
        return None
    return OpenReport(
        report=report,
        year=report.cycle.year,
        due_on=row.due_on,
        extended=row.extended,
        state=row.standing.state,
        days_left=row.standing.days_left,
        days_overdue=row.standing.days_overdue,
    )
