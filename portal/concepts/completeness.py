"""What a concept needs before it can be submitted ("check your answers").

A draft may be saved at any time with answers missing. Submitting needs:

- the three sections: initial situation, goals, steering and responsibilities;
- at least one measure;
- per measure: title, description, target group, an indicator (a key figure from the list or
  the partner's own), target value, target year, start date and responsible unit.

Optional for submitting: the baseline (often unknown before a first survey), the end date (many
measures are permanent) and "share as good practice". The field of action is needed to save a
measure at all, so it is never missing here.

Each missing answer names the field's id on the edit page (or on the measure's edit page), so
the check page links straight to the field."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

SECTIONS = (
    ("initial_situation", _l("Initial situation: please describe where your organisation stands.")),
    ("goals", _l("Goals: please describe what you want to reach.")),
    ("steering", _l("Steering and responsibilities: please describe who is responsible.")),
)

# One whole sentence per field: German needs a different article for each.
MEASURE_FIELDS = (
    ("title", _l("%(measure)s: please give the measure a title.")),
    ("description", _l("%(measure)s: please describe the measure.")),
    ("target_group", _l("%(measure)s: please name the target group.")),
    ("indicator_id", _l("%(measure)s: please choose an indicator or describe your own.")),
    ("target_value", _l("%(measure)s: please enter the target value.")),
    ("target_year", _l("%(measure)s: please enter the target year.")),
    ("start_date", _l("%(measure)s: please enter when the measure starts.")),
    ("responsible_unit", _l("%(measure)s: please name the responsible unit.")),
)


@dataclass(frozen=True)
class MissingAnswer:
    """One missing answer: the field's id, a sentence for the user, and the measure (None for a
    section or for "no measures")."""

    field_id: str
    message: str
    measure: object = None
    number: int | None = None


def _missing(measure, field_id: str) -> bool:
    if field_id == "indicator_id":
        return measure.indicator_id is None and not (measure.indicator_text or "").strip()
    value = getattr(measure, field_id)
    return value is None or (isinstance(value, str) and not value.strip())


def missing_answers(concept, measures=None) -> list[MissingAnswer]:
    """Every missing required answer, in the order of the edit pages."""
    measures = concept.measures if measures is None else measures
    problems = [
        MissingAnswer(field_id, str(message))
        for field_id, message in SECTIONS
        if not (getattr(concept, field_id) or "").strip()
    ]
    if not measures:
        problems.append(MissingAnswer("add-measure", str(_l("Please add at least one measure."))))
    for number, measure in enumerate(measures, start=1):
        name = (
            _l("Measure %(number)s (%(title)s)", number=number, title=measure.title)
            if (measure.title or "").strip()
            else _l("Measure %(number)s", number=number)
        )
        for field_id, message in MEASURE_FIELDS:
            if _missing(measure, field_id):
                problems.append(
                    MissingAnswer(field_id, str(message) % {"measure": str(name)}, measure, number)
                )
    return problems
