"""Routes of the manage blueprint."""

from portal.manage import bp  # noqa: F401
