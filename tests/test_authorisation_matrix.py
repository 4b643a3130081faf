"""Every route against every role: allowed, refused (403) or sent to the login page."""

import pytest

from tests.authz_matrix import HOME, LOGIN, MATRIX, ROLES

# Not marked `db`: the matrix checks who may do what, which is the same on every database; the
# PostgreSQL run (`make test-postgres`, `-m db`) covers the services and views that touch it, and
# leaving these ~800 requests out keeps CI within its time.


def test_every_route_has_a_declared_expectation(app):
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    missing = sorted(routes - MATRIX.keys())
    assert not missing, f"routes without a line in tests/authz_matrix.py: {missing}"
    stale = sorted(MATRIX.keys() - routes)
    assert not stale, f"lines in tests/authz_matrix.py for routes that do not exist: {stale}"


def test_every_line_names_every_role():
    for key, (_url, expectations, _data) in MATRIX.items():
        assert set(expectations) == set(ROLES), f"{key} does not name every role"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]}:{r[1]}")
def test_route_for_role(client, cast, login_as, route, role):
    endpoint, method = route
    url_for_cast, expectations, data = MATRIX[route]
    if role != "anonymous":
        login_as(cast[role])
    url = url_for_cast(cast)
    response = client.open(url, method=method, data=data)
    expected = expectations[role]
    if expected == LOGIN:
        assert response.status_code == 302, f"{method} {url} as {role}: {response.status_code}"
        assert "/anmelden" in response.headers["Location"]
    elif expected == HOME:
        assert response.status_code == 302, f"{method} {url} as {role}: {response.status_code}"
        assert "/anmelden" not in response.headers["Location"]
    else:
        assert response.status_code == expected, (
            f"{method} {url} as {role}: expected {expected}, got {response.status_code}"
        )
