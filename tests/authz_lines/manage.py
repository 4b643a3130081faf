"""Matrix lines of a partner admin managing the organisation's profile and users.

Organisation A's partner admin and the ministry may; A's editor and B's partner admin may not
(403). The person acted upon is A's editor."""

from tests.authz_roles import HOME, LOGIN


def _a(path: str):
    return lambda c: f"/organisationen/{c['org_a'].id}{path}"


def _editor_a(path: str):
    return lambda c: f"/organisationen/{c['org_a'].id}/zugaenge/{c['editor_a'].id}{path}"


def managers_of_a(expected=200):
    return {
        "anonymous": LOGIN,
        "editor_a": 403,
        "admin_a": expected,
        "admin_b": 403,
        "reviewer": expected,
        "admin": expected,
    }


LINES = {
    ("manage.edit_profile", "GET"): (_a("/profil"), managers_of_a(), None),
    # An empty form is refused with messages (sector and Kreis are required).
    ("manage.edit_profile", "POST"): (_a("/profil"), managers_of_a(422), {}),
    ("manage.users", "GET"): (_a("/zugaenge"), managers_of_a(), None),
    ("manage.invite", "POST"): (_a("/zugaenge/einladen"), managers_of_a(422), {}),
    ("manage.change_role", "POST"): (_editor_a("/rolle"), managers_of_a(422), {}),
    ("manage.deactivate", "GET"): (_editor_a("/deaktivieren"), managers_of_a(), None),
    # Deactivating A's editor works and leads back to the list.
    ("manage.deactivate", "POST"): (_editor_a("/deaktivieren"), managers_of_a(HOME), {}),
    # A's editor is active: nothing to reactivate, the page says so.
    ("manage.reactivate", "POST"): (_editor_a("/aktivieren"), managers_of_a(409), {}),
    ("manage.set_contact_person", "POST"): (_editor_a("/ansprechperson"), managers_of_a(422), {}),
}
