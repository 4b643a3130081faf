"""Routes of the concepts blueprint."""

from portal.concepts import bp  # noqa: F401
