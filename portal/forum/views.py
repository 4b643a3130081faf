"""Routes of the forum blueprint."""

from portal.forum import bp  # noqa: F401
