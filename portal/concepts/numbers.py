"""Numbers as partners type them: German "1.234,5" and "12,5", and also "12.5" or "1,234.5".

A value of a measure (baseline, target value) is a number from 0 up to 9,999,999,999.99 with at
most two decimals, as the database column allows (Numeric(12, 2))."""

import re
from decimal import Decimal, InvalidOperation

MAX_VALUE = Decimal("9999999999.99")

_GROUPED = {
    ".": re.compile(r"^\d{1,3}(\.\d{3})+$"),
    ",": re.compile(r"^\d{1,3}(,\d{3})+$"),
}


class NumberFormatError(ValueError):
    """`kind` says what is wrong: "format", "negative", "decimals" or "too_large"."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def parse_number(text: str) -> Decimal:
    """The number in `text`; raises NumberFormatError. Spaces (also as thousands separators)
    are ignored. With both "." and "," the later one is the decimal mark; with only one of them,
    "," is the decimal mark unless it groups thousands ("1,234,567"), and "." is the thousands
    separator when it groups thousands ("1.234" = 1234, as German readers mean it)."""
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text or "")
    if not cleaned:
        raise NumberFormatError("format")
    negative = cleaned.startswith("-")
    if cleaned[0] in "+-":
        cleaned = cleaned[1:]
    if "," in cleaned and "." in cleaned:
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        whole, _, fraction = cleaned.rpartition(decimal_mark)
        if not _GROUPED[thousands].match(whole) and not whole.isdigit():
            raise NumberFormatError("format")
        cleaned = whole.replace(thousands, "") + "." + fraction
    elif "," in cleaned:
        if cleaned.count(",") == 1:
            cleaned = cleaned.replace(",", ".")
        elif _GROUPED[","].match(cleaned):
            cleaned = cleaned.replace(",", "")
        else:
            raise NumberFormatError("format")
    elif "." in cleaned and (cleaned.count(".") > 1 or _GROUPED["."].match(cleaned)):
        if not _GROUPED["."].match(cleaned):
            raise NumberFormatError("format")
        cleaned = cleaned.replace(".", "")
    if not re.fullmatch(r"\d+(\.\d*)?|\.\d+", cleaned):
        raise NumberFormatError("format")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise NumberFormatError("format") from None
    if negative and value != 0:
        raise NumberFormatError("negative")
    if value != value.quantize(Decimal("0.01")):
        raise NumberFormatError("decimals")
    if value > MAX_VALUE:
        raise NumberFormatError("too_large")
    return value.quantize(Decimal("0.01")) if value % 1 else value.quantize(Decimal("1"))
