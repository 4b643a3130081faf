"""Matrix lines of the public application (Bewerbung)."""

from tests.authz_roles import HOME, everyone, logged_in

LINES: dict = {
    # Visitors apply; whoever is logged in already has an account and is sent home.
    ("applications.apply", "GET"): (lambda c: "/bewerben", logged_in(HOME, anonymous=200), None),
    # An empty application is refused with messages.
    ("applications.apply", "POST"): (lambda c: "/bewerben", logged_in(HOME, anonymous=422), {}),
    ("applications.sent", "GET"): (lambda c: "/bewerben/gesendet", everyone(200), None),
    ("applications.resend_confirmation", "GET"): (
        lambda c: "/bewerben/bestaetigung-erneut",
        everyone(200),
        None,
    ),
    ("applications.resend_confirmation", "POST"): (
        lambda c: "/bewerben/bestaetigung-erneut",
        everyone(422),
        {},
    ),
}
