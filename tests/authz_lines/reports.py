"""Matrix lines of the partner's annual report.

The cast has no report: each URL builder gives organisation A a draft report (in a cycle of its
own) through the factories. A's people read and edit it, the ministry reads it, B is refused;
only A's partner admin submits and withdraws. Edit pages are for the organisation's own people:
the ministry reads a report on its show, check and print pages and reviews it elsewhere."""

from tests.authz_roles import LOGIN, org_a_and_ministry


def _report_of_a(c):
    from portal.extensions import db
    from tests import factories

    report = factories.ReportFactory(
        organisation=c["org_a"], cycle=factories.ReportingCycleFactory()
    )
    db.session.commit()
    return report


def _report(path: str = ""):
    return lambda c: f"/berichte/{_report_of_a(c).id}{path}"


def people_of_a(expected=200):
    """The organisation's own people; B and the ministry are refused."""
    return {
        "anonymous": LOGIN,
        "editor_a": expected,
        "admin_a": expected,
        "admin_b": 403,
        "reviewer": 403,
        "admin": 403,
    }


def admin_of_a(expected):
    return {
        "anonymous": LOGIN,
        "editor_a": 403,
        "admin_a": expected,
        "admin_b": 403,
        "reviewer": 403,
        "admin": 403,
    }


LINES = {
    ("reports.index", "GET"): (
        lambda c: f"/organisationen/{c['org_a'].id}/berichte",
        org_a_and_ministry(),
        None,
    ),
    ("reports.show", "GET"): (_report(), org_a_and_ministry(), None),
    # An empty comment is refused at the field; the ministry comments on its review page.
    ("reports.comment", "POST"): (_report("/kommentare"), people_of_a(422), {}),
    ("reports.figures", "GET"): (_report("/kennzahlen"), people_of_a(), None),
    # A form without the report's version is refused (nothing saved).
    ("reports.figures", "POST"): (_report("/kennzahlen"), people_of_a(422), {}),
    ("reports.progress", "GET"): (_report("/massnahmen"), people_of_a(), None),
    ("reports.progress", "POST"): (_report("/massnahmen"), people_of_a(422), {}),
    ("reports.assessment", "GET"): (_report("/einschaetzung"), people_of_a(), None),
    ("reports.assessment", "POST"): (_report("/einschaetzung"), people_of_a(422), {}),
    # Without a part named, autosave answers "invalid" in JSON.
    ("reports.autosave", "POST"): (_report("/autosave"), people_of_a(422), {}),
    ("reports.check", "GET"): (_report("/pruefen"), org_a_and_ministry(), None),
    # The empty draft is not complete: the partner admin is told why (409).
    ("reports.submit", "POST"): (_report("/einreichen"), admin_of_a(409), {"lock_version": "1"}),
    # A draft cannot be withdrawn: the partner admin is told why (409).
    ("reports.withdraw", "POST"): (_report("/zurueckziehen"), admin_of_a(409), {}),
    ("reports.print", "GET"): (_report("/druck"), org_a_and_ministry(), None),
}
