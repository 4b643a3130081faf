"""Key figures (Kennzahlen) of the annual report: the rules every value keeps, and the shares.

Each figure is a whole number ≥ 0 or "not surveyed". A figure that is part of another ("of whom
with immigration history") may not exceed it. Only aggregate counts belong here (§ 4 TIntG:
immigration history is asked in voluntary, anonymous surveys)."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l

from portal.models import Indicator

# No organisation in NRW has more people than this; a larger number is a typing error.
MAX_FIGURE = 10_000_000


@dataclass(frozen=True)
class Figure:
    value: int | None = None
    not_surveyed: bool = False

    @property
    def answered(self) -> bool:
        return self.not_surveyed or self.value is not None


def figure_problems(
    figures: dict[int, Figure], indicators: list[Indicator], *, complete: bool = False
) -> dict[int, object]:
    """Problems by indicator id, as messages for the field. With `complete`, an unanswered figure
    is a problem too (for submitting; a draft may have gaps)."""
    problems: dict[int, object] = {}
    for indicator in indicators:
        figure = figures.get(indicator.id, Figure())
        if figure.value is not None and figure.not_surveyed:
            problems[indicator.id] = _l("Enter a number or tick “not surveyed”, not both.")
        elif figure.value is not None and figure.value < 0:
            problems[indicator.id] = _l("Enter a whole number of 0 or more.")
        elif figure.value is not None and figure.value > MAX_FIGURE:
            problems[indicator.id] = _l("This number is too large. Please check it.")
        elif complete and not figure.answered:
            problems[indicator.id] = _l("Enter a number or tick “not surveyed”.")
    for indicator in indicators:
        if indicator.part_of_id is None or indicator.id in problems:
            continue
        part = figures.get(indicator.id, Figure()).value
        whole = figures.get(indicator.part_of_id, Figure()).value
        if part is not None and whole is not None and part > whole:
            problems[indicator.id] = _l(
                "This cannot be more than the total above (%(total)s).", total=whole
            )
    return problems


def share(part: int | None, whole: int | None) -> Decimal | None:
    """The part as a percentage of the whole, one decimal; None when it cannot be computed."""
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
