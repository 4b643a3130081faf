"""Matrix lines of the forum of the members' area."""

LINES: dict = {}
