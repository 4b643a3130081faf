"""The comparison of two concept contents (portal.review.diff): section texts word by word, and
measures added / changed / removed, matched by lineage. Pure functions: no database."""

from portal.review.diff import Segment, compare, compare_text


def _concept(sections=None, measures=()):
    base = {"initial_situation": "Ausgangslage", "goals": "Ziele", "steering": "Steuerung"}
    return {"sections": {**base, **(sections or {})}, "measures": list(measures)}


def _measure(lineage_id, **fields):
    measure = {
        "lineage_id": lineage_id,
        "position": 1,
        "field_of_action_id": 1,
        "title": f"Maßnahme {lineage_id}",
        "description": "Beschreibung",
        "target_group": "",
        "indicator_id": None,
        "indicator_text": "",
        "baseline": None,
        "target_value": "30",
        "target_year": 2026,
        "start_date": "2025-01-01",
        "end_date": None,
        "responsible_unit": "Personalamt",
        "share_as_good_practice": False,
    }
    measure.update(fields)
    return measure


def _text(lines):
    return "\n".join("".join(segment.text for segment in line) for line in lines)


def _marked(lines, op):
    return [segment.text for line in lines for segment in line if segment.op == op]


# --- texts --------------------------------------------------------------------------------------


def test_equal_texts_have_no_marks():
    change = compare_text("Mehr Vielfalt in der Verwaltung.", "Mehr Vielfalt in der Verwaltung.")
    assert not change.changed
    assert change.old_lines == [[Segment("equal", "Mehr Vielfalt in der Verwaltung.")]]
    assert change.new_lines == change.old_lines


def test_changed_words_are_marked_on_each_side():
    change = compare_text(
        "Wir wollen 20 Prozent bis 2025 erreichen.", "Wir wollen 30 Prozent bis 2027 erreichen."
    )
    assert change.changed
    assert _marked(change.old_lines, "removed") == ["20", "2025"]
    assert _marked(change.new_lines, "added") == ["30", "2027"]
    # Each side still reads as its whole text.
    assert _text(change.old_lines) == change.old
    assert _text(change.new_lines) == change.new


def test_neighbouring_changed_words_form_one_mark():
    change = compare_text(
        "Die alte Personalabteilung steuert.", "Das neue Integrationsbüro steuert."
    )
    assert _marked(change.old_lines, "removed") == ["Die alte Personalabteilung"]
    assert _marked(change.new_lines, "added") == ["Das neue Integrationsbüro"]


def test_line_breaks_are_kept_as_lines():
    change = compare_text(
        "Erster Absatz.\nZweiter Absatz.", "Erster Absatz.\nZweiter, längerer Absatz."
    )
    assert len(change.old_lines) == 2
    assert len(change.new_lines) == 2
    assert _text(change.new_lines) == "Erster Absatz.\nZweiter, längerer Absatz."
    assert "".join(_marked(change.new_lines, "added")).strip() == ", längerer"
    assert _marked(change.old_lines, "removed") == []


def test_text_added_to_an_empty_section_is_all_added():
    change = compare_text("", "Neu geschrieben.")
    assert change.changed
    assert change.old_lines == [[]]
    assert _marked(change.new_lines, "added") == ["Neu geschrieben."]


def test_none_counts_as_empty_text():
    assert not compare_text(None, "").changed


# --- concepts -----------------------------------------------------------------------------------


def test_identical_concepts_have_no_changes():
    content = _concept(measures=[_measure("a"), _measure("b")])
    result = compare(content, content)
    assert not result.has_changes
    assert result.changed_sections == []
    assert result.unchanged_measures == 2


def test_only_changed_sections_are_listed():
    result = compare(_concept(), _concept({"goals": "Neue Ziele"}))
    assert [section.key for section in result.changed_sections] == ["goals"]
    assert [section.key for section in result.sections] == [
        "initial_situation",
        "goals",
        "steering",
    ]


def test_measures_are_matched_by_lineage_not_by_title_or_position():
    old = _concept(measures=[_measure("a", position=1), _measure("b", position=2)])
    new = _concept(
        measures=[
            # "b" moved to the top and got a new title; "a" was removed; "c" is new.
            _measure("b", position=1, title="Umbenannt"),
            _measure("c", position=2, title="Maßnahme a"),
        ]
    )
    result = compare(old, new)
    assert [(c.kind, c.lineage_id) for c in result.measures] == [
        ("changed", "b"),
        ("added", "c"),
        ("removed", "a"),
    ]
    assert [f.key for f in result.changed[0].fields] == ["title"]
    assert result.changed[0].title == "Umbenannt"
    assert result.removed[0].title == "Maßnahme a"
    assert result.added[0].old is None and result.removed[0].new is None
    assert result.unchanged_measures == 0


def test_changed_measure_lists_each_changed_field_in_form_order():
    old = _concept(measures=[_measure("a")])
    new = _concept(
        measures=[
            _measure(
                "a",
                description="Beschreibung, ergänzt",
                field_of_action_id=2,
                target_value="35",
                share_as_good_practice=True,
                end_date="2026-12-31",
            )
        ]
    )
    change = compare(old, new).changed[0]
    assert [f.key for f in change.fields] == [
        "field_of_action_id",
        "description",
        "target_value",
        "end_date",
        "share_as_good_practice",
    ]
    description = change.fields[1]
    assert description.text is not None
    assert _marked(description.text.new_lines, "added") == [", ergänzt"]
    assert _marked(description.text.old_lines, "removed") == []
    target = change.fields[2]
    assert (target.old, target.new, target.text) == ("30", "35", None)


def test_moving_a_measure_alone_is_no_change():
    old = _concept(measures=[_measure("a", position=1), _measure("b", position=2)])
    new = _concept(measures=[_measure("b", position=1), _measure("a", position=2)])
    result = compare(old, new)
    assert not result.has_changes
    assert result.unchanged_measures == 2


def test_empty_and_missing_text_fields_are_the_same():
    old = _concept(measures=[_measure("a", target_group=None)])
    new = _concept(measures=[_measure("a", target_group="")])
    assert not compare(old, new).has_changes
