"""Matrix lines of the partner's annual report."""

LINES: dict = {}
