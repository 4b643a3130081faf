"""Key figure rules: whole numbers ≥ 0 or "not surveyed", the part never above its total."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.models import Indicator
from portal.reports.figures import MAX_FIGURE, Figure, figure_problems, share

pytestmark = pytest.mark.usefixtures("english")

TOTAL = Indicator(id=1, key="employees_total", name_de="Beschäftigte", name_en="Employees")
PART = Indicator(id=2, key="employees_migration", name_de="davon", name_en="of whom", part_of_id=1)
INDICATORS = [TOTAL, PART]


def _problems(total, part, complete=False):
    return {
        key: str(message)
        for key, message in figure_problems(
            {1: total, 2: part}, INDICATORS, complete=complete
        ).items()
    }


def test_valid_figures_have_no_problem(app):
    with app.test_request_context():
        assert _problems(Figure(120), Figure(30)) == {}
        assert _problems(Figure(120), Figure(120)) == {}
        assert _problems(Figure(not_surveyed=True), Figure(30)) == {}


def test_the_part_may_not_exceed_the_total(app):
    with app.test_request_context():
        problems = _problems(Figure(20), Figure(21))
    assert list(problems) == [2]
    assert "20" in problems[2]


@pytest.mark.parametrize(
    ("figure", "message"),
    [
        (Figure(-1), "0 or more"),
        (Figure(MAX_FIGURE + 1), "too large"),
        (Figure(5, not_surveyed=True), "not both"),
    ],
)
def test_bad_values(app, figure, message):
    with app.test_request_context():
        problems = _problems(figure, Figure())
    assert message in problems[1]


def test_gaps_are_fine_in_a_draft_but_not_for_submitting(app):
    with app.test_request_context():
        assert _problems(Figure(), Figure()) == {}
        problems = _problems(Figure(), Figure(3), complete=True)
    assert list(problems) == [1]


def test_shares():
    assert share(30, 120) == Decimal("25.0")
    assert share(1, 3) == Decimal("33.3")
    assert share(2, 3) == Decimal("66.7")
    assert share(None, 3) is None
    assert share(3, 0) is None


@given(st.integers(0, MAX_FIGURE), st.integers(0, MAX_FIGURE))
def test_part_above_total_is_always_refused(total, part):
    problems = figure_problems({1: Figure(total), 2: Figure(part)}, INDICATORS)
    assert (2 in problems) == (part > total)
