"""Routes of the cycles blueprint."""

from portal.cycles import bp  # noqa: F401
