"""The authorisation matrix: for every route, what each role gets.

Every (endpoint, method) of the app must have a line; tests/test_authorisation_matrix.py fails for
a route without one. The lines live in tests/authz_lines/, one module per feature, each a dict
`LINES` of (endpoint, method) -> (url builder taking the cast, expectations by role, form data for
POST or None)."""

from tests.authz_lines import (
    applications,
    concepts,
    core,
    cycles,
    exchange,
    forum,
    manage,
    network,
    reports,
    review,
)
from tests.authz_roles import HOME, LOGIN, ROLES

__all__ = ["HOME", "LOGIN", "MATRIX", "ROLES"]

_FEATURES = (
    core,
    applications,
    manage,
    network,
    concepts,
    review,
    reports,
    cycles,
    exchange,
    forum,
)

MATRIX: dict = {}
for _feature in _FEATURES:
    _twice = MATRIX.keys() & _feature.LINES.keys()
    if _twice:
        raise AssertionError(f"routes with two lines in the matrix: {sorted(_twice)}")
    MATRIX.update(_feature.LINES)
