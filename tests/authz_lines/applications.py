"""Matrix lines of the public application (Bewerbung)."""

LINES: dict = {}
