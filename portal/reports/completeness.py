"""What an annual report needs before it can be submitted ("check your answers"), and the state of
each part for the task list.

A draft may be saved at any time with answers missing. Submitting needs:

- every active key figure: a whole number or "not surveyed" (a part never above its total);
- per measure of the concept in force: a few words on the progress (the narrative); a measure
  that was dropped says why;
- the overall assessment, the challenges and the next steps.

Optional: the actual value of a measure (not every measure has a number) and the good-practice
story. Each missing answer names the field's id on its edit page, so the check page links
straight to the field."""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.models import MeasureStatus
from portal.reports.figures import Figure, figure_problems

SECTIONS = ("figures", "progress", "assessment")

# One whole sentence per text: German needs a different article for each.
REQUIRED_TEXTS = (
    ("overall_assessment", _l("Overall assessment: please describe how the year went.")),
    ("challenges", _l("Challenges: please describe what was difficult.")),
    ("next_steps", _l("Next steps: please describe what you plan for the coming year.")),
)
TEXT_NAMES = ("overall_assessment", "challenges", "next_steps", "good_practice_story")

NOT_STARTED, IN_PROGRESS, COMPLETE = "not_started", "in_progress", "complete"


@dataclass(frozen=True)
class MissingAnswer:
    """One missing answer: the part of the report (a key of SECTIONS), the field's id on that
    part's page, and a sentence for the user."""

    section: str
    field_id: str
    message: str


def _figure_answers(content) -> list[MissingAnswer]:
    problems = figure_problems(content.figures, content.indicators, complete=True)
    return [
        MissingAnswer(
            "figures",
            f"value_{indicator.id}",
            _("%(figure)s: %(problem)s", figure=content.figure_label(indicator), problem=problem),
        )
        for indicator in content.indicators
        if (problem := problems.get(indicator.id)) is not None
    ]


def _progress_answers(content) -> list[MissingAnswer]:
    missing = []
    for measure in content.measures:
        row = content.progress.get(measure.lineage_id)
        if row is not None and (row.narrative or "").strip():
            continue
        name = content.measure_label(measure)
        if row is not None and row.status == MeasureStatus.DROPPED:
            message = _("%(measure)s: please say why the measure was dropped.", measure=name)
        else:
            message = _("%(measure)s: please describe the progress.", measure=name)
        missing.append(MissingAnswer("progress", f"narrative_{measure.lineage_id}", message))
    return missing


def _assessment_answers(content) -> list[MissingAnswer]:
    report = content.report
    return [
        MissingAnswer("assessment", name, str(message))
        for name, message in REQUIRED_TEXTS
        if not (getattr(report, name) or "").strip()
    ]


def missing_answers(content) -> list[MissingAnswer]:
    """Every missing required answer, in the order of the report's parts."""
    return _figure_answers(content) + _progress_answers(content) + _assessment_answers(content)


def section_states(content, missing: list[MissingAnswer] | None = None) -> dict[str, str]:
    """For the task list: not started, in progress or complete, per part of the report."""
    missing = missing_answers(content) if missing is None else missing
    open_sections = {answer.section for answer in missing}

    def state(section: str, started: bool) -> str:
        if section not in open_sections:
            return COMPLETE
        return IN_PROGRESS if started else NOT_STARTED

    report = content.report
    figures_started = any(content.figures.get(i.id, Figure()).answered for i in content.indicators)
    progress_started = any(
        (row.narrative or "").strip()
        or row.actual_value is not None
        or row.status != MeasureStatus.NOT_STARTED
        for row in content.progress.values()
    )
    texts_started = any((getattr(report, name) or "").strip() for name in TEXT_NAMES)
    return {
        "figures": state("figures", figures_started),
        "progress": state("progress", progress_started),
        "assessment": state("assessment", texts_started),
    }
