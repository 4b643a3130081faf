"""Routes of the reports blueprint."""

from portal.reports import bp  # noqa: F401
