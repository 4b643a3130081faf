"""Matrix lines of the partner's side of the concept."""

LINES: dict = {}
