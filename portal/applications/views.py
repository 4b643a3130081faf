"""Routes of the applications blueprint."""

from portal.applications import bp  # noqa: F401
