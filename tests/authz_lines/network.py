"""Matrix lines of the ministry's network management."""

from tests.authz_roles import ministry_only

LINES: dict = {
    ("network.index", "GET"): (lambda c: "/ministerium/netzwerk", ministry_only(), None),
    # Organisation A's history: for the ministry only, also not for A's own people.
    ("network.history", "GET"): (
        lambda c: f"/ministerium/netzwerk/{c['org_a'].id}/verlauf",
        ministry_only(),
        None,
    ),
    ("network.create_organisation", "GET"): (
        lambda c: "/ministerium/netzwerk/neu",
        ministry_only(),
        None,
    ),
    # An empty form is refused with messages at the fields.
    ("network.create_organisation", "POST"): (
        lambda c: "/ministerium/netzwerk/neu",
        ministry_only(422),
        {},
    ),
}
