"""Matrix lines of a partner admin managing the organisation's profile and users."""

LINES: dict = {}
