"""The answers of a report as comparable values, keyed by field, and what changed since a version.

Every answer has a key: `figure:<indicator id>`, `progress:<lineage>:status|actual_value|narrative`,
or the name of a text (`overall_assessment`, ..., `share_story`). A save compares the typed values
with the saved ones by key, changes only what differs and names the changed keys in its audit entry
("report_saved", with the report's new lock_version). When a save comes from an older version, the
audit entries since that version say which answers someone else changed, who and when: only if one
of them is among the answers being saved with a different value is there a conflict, which the page
shows answer by answer (saved value beside the user's)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.labels import label
from portal.models import AuditEntry, MeasureStatus
from portal.reports.figures import Figure

ASSESSMENT_KEYS = (
    "overall_assessment",
    "challenges",
    "next_steps",
    "good_practice_story",
    "share_story",
)
PROGRESS_PARTS = ("status", "actual_value", "narrative")


# --- saved values -------------------------------------------------------------------------------


def figure_values(content) -> dict[str, tuple]:
    return {
        f"figure:{i.id}": _figure_value(content.figures.get(i.id, Figure()))
        for i in content.indicators
    }


def _figure_value(figure: Figure) -> tuple:
    return (figure.value, bool(figure.not_surveyed))


def proposed_figures(figures: dict[int, Figure]) -> dict[str, tuple]:
    return {f"figure:{i}": _figure_value(figure) for i, figure in figures.items()}


def progress_values(content) -> dict[str, object]:
    values = {}
    for measure in content.measures:
        row = content.progress.get(measure.lineage_id)
        status = row.status if row else MeasureStatus.NOT_STARTED
        actual = row.actual_value if row else None
        narrative = row.narrative if row else ""
        values.update(_progress_entry(measure.lineage_id, status, actual, narrative))
    return values


def _progress_entry(lineage, status, actual, narrative) -> dict[str, object]:
    return {
        f"progress:{lineage}:status": MeasureStatus(status),
        f"progress:{lineage}:actual_value": None if actual is None else Decimal(actual),
        f"progress:{lineage}:narrative": narrative or "",
    }


def proposed_progress(progress: dict[str, tuple]) -> dict[str, object]:
    values = {}
    for lineage, (status, actual, narrative) in progress.items():
        values.update(_progress_entry(lineage, status, actual, narrative))
    return values


def assessment_values(report) -> dict[str, object]:
    values = {name: getattr(report, name) or "" for name in ASSESSMENT_KEYS[:-1]}
    values["share_story"] = bool(report.share_story)
    return values


def section_values(section: str, content) -> dict[str, object]:
    if section == "figures":
        return figure_values(content)
    if section == "progress":
        return progress_values(content)
    return assessment_values(content.report)


def differing(proposed: dict, saved: dict) -> list[str]:
    """The keys whose proposed value differs from the saved one, in the proposal's order."""
    return [key for key, value in proposed.items() if value != saved.get(key)]


# --- words for a key and a value ----------------------------------------------------------------


def key_label(key: str, content) -> str:
    kind, _sep, rest = key.partition(":")
    if kind == "figure":
        indicator = content.indicator(int(rest))
        return content.figure_label(indicator) if indicator else rest
    if kind == "progress":
        lineage, _sep, part = rest.partition(":")
        measure = next((m for m in content.measures if m.lineage_id == lineage), None)
        name = content.measure_label(measure) if measure else lineage
        part_names = {
            "status": _("Status"),
            "actual_value": _("Actual value"),
            "narrative": _("What happened"),
        }
        return _("%(measure)s – %(part)s", measure=name, part=part_names.get(part, part))
    names = {
        "overall_assessment": _("Overall assessment"),
        "challenges": _("Challenges"),
        "next_steps": _("Next steps"),
        "good_practice_story": _("Good-practice story"),
        "share_story": _("Share the story with the network"),
    }
    return names.get(key, key)


def value_text(value) -> str:
    """A saved or typed value in words, for the conflict message."""
    if value is None or value == "":
        return _("(empty)")
    if isinstance(value, tuple):
        number, not_surveyed = value
        if not_surveyed:
            return _("not surveyed")
        return _("(empty)") if number is None else format_decimal(number)
    if isinstance(value, MeasureStatus):
        return label(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return format_decimal(value, format="#,##0.##")
    return str(value)


# --- what changed since a version ---------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One answer someone else changed since the user's version, which the user's save would
    overwrite with a different value."""

    key: str
    label: str
    saved: str
    yours: str
    by: str
    at: datetime


def changed_since(report, version: int) -> dict[str, AuditEntry]:
    """The answers saved after `version`, each with the latest audit entry that changed it."""
    entries = db.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.object_type == "report",
            AuditEntry.object_id == report.id,
            AuditEntry.action == "report_saved",
        )
        .order_by(AuditEntry.id)
        .options(selectinload(AuditEntry.actor))
    )
    latest: dict[str, AuditEntry] = {}
    for entry in entries:
        try:
            saved_as = int(entry.data.get("version") or 0)
        except (TypeError, ValueError):
            saved_as = 0
        if saved_as <= version:
            continue
        for key in (entry.data.get("fields") or "").split(","):
            if key:
                latest[key] = entry
    return latest


def conflicts(report, version: int, proposed: dict, saved: dict, content) -> list[Change]:
    """The answers that someone changed after `version` and that the proposal would set to a
    different value. An empty list means the save overwrites nobody's work."""
    changed = changed_since(report, version)
    result = []
    for key in differing(proposed, saved):
        entry = changed.get(key)
        if entry is None:
            continue
        result.append(
            Change(
                key=key,
                label=key_label(key, content),
                saved=value_text(saved.get(key)),
                yours=value_text(proposed[key]),
                by=entry.actor.name if entry.actor else _("a former user"),
                at=entry.created_at,
            )
        )
    return result
