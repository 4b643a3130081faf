"""Matrix lines of the ministry's network management."""

LINES: dict = {}
