"""Matrix lines of the foundation and the partner lifecycle's first routes."""

from tests.authz_roles import (
    HOME,
    everyone,
    logged_in,
    ministry_only,
    org_a_and_ministry,
)

LINES = {
    ("static", "GET"): (lambda c: "/static/css/portal.css", everyone(200), None),
    ("public.index", "GET"): (lambda c: "/", everyone(200), None),
    ("public.imprint", "GET"): (lambda c: "/impressum", everyone(200), None),
    ("public.privacy", "GET"): (lambda c: "/datenschutz", everyone(200), None),
    ("public.easy_language", "GET"): (lambda c: "/leichte-sprache", everyone(200), None),
    ("public.accessibility", "GET"): (lambda c: "/barrierefreiheit", everyone(200), None),
    # An empty feedback form is refused with messages, for everybody alike.
    ("public.accessibility", "POST"): (lambda c: "/barrierefreiheit", everyone(422), {}),
    ("public.set_language", "POST"): (lambda c: "/sprache", everyone(HOME), {"locale": "en"}),
    ("auth.login", "GET"): (lambda c: "/anmelden", logged_in(HOME, anonymous=200), None),
    ("auth.login", "POST"): (lambda c: "/anmelden", logged_in(HOME, anonymous=422), {}),
    ("auth.logout", "POST"): (lambda c: "/abmelden", everyone(HOME), {}),
    ("auth.forgot_password", "GET"): (lambda c: "/passwort-vergessen", everyone(200), None),
    ("auth.forgot_password", "POST"): (lambda c: "/passwort-vergessen", everyone(422), {}),
    ("auth.reset_password", "GET"): (lambda c: "/passwort-neu/unknown", everyone(404), None),
    ("auth.reset_password", "POST"): (lambda c: "/passwort-neu/unknown", everyone(404), {}),
    ("auth.accept_invitation", "GET"): (lambda c: "/einladung/unknown", everyone(404), None),
    ("auth.accept_invitation", "POST"): (lambda c: "/einladung/unknown", everyone(404), {}),
    ("auth.confirm_email", "GET"): (lambda c: "/bestaetigen/unknown", everyone(404), None),
    ("auth.confirm_email", "POST"): (lambda c: "/bestaetigen/unknown", everyone(404), {}),
    ("auth.session_status", "GET"): (lambda c: "/sitzung", logged_in(200), None),
    ("account.edit", "GET"): (lambda c: "/konto", logged_in(200), None),
    ("account.edit", "POST"): (lambda c: "/konto", logged_in(422), {}),
    ("account.change_password", "POST"): (lambda c: "/konto/passwort", logged_in(422), {}),
    ("partners.home", "GET"): (lambda c: "/meine-organisation", logged_in(HOME), None),
    ("partners.show", "GET"): (
        lambda c: f"/organisationen/{c['org_a'].id}",
        org_a_and_ministry(),
        None,
    ),
    ("partners.public_list", "GET"): (lambda c: "/partner", everyone(200), None),
    ("partners.public_profile", "GET"): (
        lambda c: f"/partner/{c['org_a'].slug}",
        everyone(200),
        None,
    ),
    ("partners.open_data_csv", "GET"): (lambda c: "/partner.csv", everyone(200), None),
    ("partners.open_data_json", "GET"): (lambda c: "/api/v1/partners", everyone(200), None),
    ("partners.record_agreement", "GET"): (
        lambda c: f"/organisationen/{c['org_a'].id}/vereinbarung",
        ministry_only(),
        None,
    ),
    # Organisation A is already a partner: the ministry is told why nothing can be recorded.
    ("partners.record_agreement", "POST"): (
        lambda c: f"/organisationen/{c['org_a'].id}/vereinbarung",
        ministry_only(409),
        {},
    ),
    # The cast's organisations have no signed PDF: 404 for those allowed to ask, 403 for others.
    ("partners.agreement_pdf", "GET"): (
        lambda c: f"/organisationen/{c['org_a'].id}/vereinbarung.pdf",
        org_a_and_ministry(404),
        None,
    ),
    ("partners.change_partnership", "GET"): (
        lambda c: f"/organisationen/{c['org_a'].id}/status",
        ministry_only(),
        None,
    ),
    ("partners.change_partnership", "POST"): (
        lambda c: f"/organisationen/{c['org_a'].id}/status",
        ministry_only(422),
        {},
    ),
    ("review.dashboard", "GET"): (lambda c: "/ministerium", ministry_only(), None),
}
