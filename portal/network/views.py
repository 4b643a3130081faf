"""Routes of the network blueprint."""

from portal.network import bp  # noqa: F401
