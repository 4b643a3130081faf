"""Matrix lines of the ministry's reporting cycles."""

LINES: dict = {}
