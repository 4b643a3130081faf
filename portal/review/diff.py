"""What changed between two states of a concept: section texts word by word, and measures
added / changed / removed, matched by their lineage (the identity a measure keeps across versions).

Works on plain dicts (`portal.review.snapshots.content_of` builds them from a concept, and a
snapshot stored in the audit log is the same dict), so the comparison needs no database."""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from flask_babel import lazy_gettext as _l

SECTIONS = (
    ("initial_situation", _l("Initial situation")),
    ("goals", _l("Goals")),
    ("steering", _l("Steering and responsibilities")),
)

# The measure's fields a reviewer compares, in the order of the form. The position is left out:
# moving one measure up would otherwise mark every measure after it as changed.
MEASURE_FIELDS = (
    ("field_of_action_id", _l("Field of action")),
    ("title", _l("Title")),
    ("description", _l("Description")),
    ("target_group", _l("Target group")),
    ("indicator_id", _l("Indicator")),
    ("indicator_text", _l("Indicator (own wording)")),
    ("baseline", _l("Baseline")),
    ("target_value", _l("Target value")),
    ("target_year", _l("Target year")),
    ("start_date", _l("Start")),
    ("end_date", _l("End")),
    ("responsible_unit", _l("Responsible unit")),
    ("share_as_good_practice", _l("Share as good practice")),
)
TEXT_FIELDS = frozenset(
    {"title", "description", "target_group", "indicator_text", "responsible_unit"}
)

# A newline, a run of other white space, a word, or one punctuation mark ("Ziele," is "Ziele"
# and ",", so adding a comma does not mark the word as changed).
_TOKENS = re.compile(r"\n|[^\S\n]+|\w+|[^\w\s]")


@dataclass(frozen=True)
class Segment:
    """A piece of one side of a text comparison: `op` is "equal", "removed" or "added"."""

    op: str
    text: str


Line = list[Segment]


@dataclass
class TextChange:
    """Two texts side by side, each as lines of segments, the differences marked."""

    old: str
    new: str
    old_lines: list[Line]
    new_lines: list[Line]

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass
class SectionChange:
    key: str
    label: object
    text: TextChange

    @property
    def changed(self) -> bool:
        return self.text.changed


@dataclass
class FieldChange:
    """One field of a measure that differs; `text` is set for text fields (marked word by word)."""

    key: str
    label: object
    old: object
    new: object
    text: TextChange | None = None


@dataclass
class MeasureChange:
    """`kind` is "added", "changed" or "removed"; `old` / `new` are the measure's dicts."""

    kind: str
    lineage_id: str
    old: dict | None
    new: dict | None
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def title(self) -> str:
        return (self.new or self.old or {}).get("title", "")


@dataclass
class ConceptDiff:
    sections: list[SectionChange]
    measures: list[MeasureChange]
    unchanged_measures: int

    @property
    def changed_sections(self) -> list[SectionChange]:
        return [section for section in self.sections if section.changed]

    def measures_of_kind(self, kind: str) -> list[MeasureChange]:
        return [change for change in self.measures if change.kind == kind]

    @property
    def added(self) -> list[MeasureChange]:
        return self.measures_of_kind("added")

    @property
    def changed(self) -> list[MeasureChange]:
        return self.measures_of_kind("changed")

    @property
    def removed(self) -> list[MeasureChange]:
        return self.measures_of_kind("removed")

    @property
    def has_changes(self) -> bool:
        return bool(self.changed_sections or self.measures)


def compare_text(old: str | None, new: str | None) -> TextChange:
    """Mark the words removed from `old` and added in `new`."""
    old, new = old or "", new or ""
    old_tokens, new_tokens = _TOKENS.findall(old), _TOKENS.findall(new)
    old_side: list[Segment] = []
    new_side: list[Segment] = []
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            old_side += [Segment("equal", t) for t in old_tokens[i1:i2]]
            new_side += [Segment("equal", t) for t in new_tokens[j1:j2]]
            continue
        old_side += [Segment("removed", t) for t in old_tokens[i1:i2]]
        new_side += [Segment("added", t) for t in new_tokens[j1:j2]]
    return TextChange(old, new, _lines(old_side), _lines(new_side))


def _lines(segments: list[Segment]) -> list[Line]:
    """Split at newlines and join neighbouring segments of the same kind. White space between
    two marked words stays inside the mark, so "<del>two words</del>" reads as one change."""
    lines: list[Line] = [[]]
    for segment in segments:
        if segment.text == "\n":
            lines.append([])
            continue
        line = lines[-1]
        if line and line[-1].op == segment.op:
            line[-1] = Segment(segment.op, line[-1].text + segment.text)
        else:
            line.append(segment)
    for line in lines:
        _absorb_spaces(line)
    return lines


def _absorb_spaces(line: Line) -> None:
    """An unchanged space between two marks of the same kind joins them."""
    index = 1
    while index < len(line) - 1:
        before, middle, after = line[index - 1], line[index], line[index + 1]
        if middle.op == "equal" and not middle.text.strip() and before.op == after.op != "equal":
            line[index - 1 : index + 2] = [
                Segment(before.op, before.text + middle.text + after.text)
            ]
        else:
            index += 1


def compare(old: dict, new: dict) -> ConceptDiff:
    """Compare two concept contents (dicts as built by `snapshots.content_of`)."""
    old_sections = old.get("sections", {})
    new_sections = new.get("sections", {})
    sections = [
        SectionChange(key, label, compare_text(old_sections.get(key), new_sections.get(key)))
        for key, label in SECTIONS
    ]

    old_measures = {m["lineage_id"]: m for m in old.get("measures", [])}
    new_measures = {m["lineage_id"]: m for m in new.get("measures", [])}
    changes: list[MeasureChange] = []
    unchanged = 0
    for lineage_id, measure in new_measures.items():
        before = old_measures.get(lineage_id)
        if before is None:
            changes.append(MeasureChange("added", lineage_id, None, measure))
            continue
        fields = _changed_fields(before, measure)
        if fields:
            changes.append(MeasureChange("changed", lineage_id, before, measure, fields))
        else:
            unchanged += 1
    changes += [
        MeasureChange("removed", lineage_id, measure, None)
        for lineage_id, measure in old_measures.items()
        if lineage_id not in new_measures
    ]
    return ConceptDiff(sections, changes, unchanged)


def _changed_fields(old: dict, new: dict) -> list[FieldChange]:
    changes = []
    for key, label in MEASURE_FIELDS:
        before, after = old.get(key), new.get(key)
        if key in TEXT_FIELDS:
            before, after = before or "", after or ""
        if before == after:
            continue
        text = compare_text(before, after) if key in TEXT_FIELDS else None
        changes.append(FieldChange(key, label, before, after, text))
    return changes
