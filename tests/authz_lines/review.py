"""Matrix lines of the ministry's review of concepts and reports."""

LINES: dict = {}
