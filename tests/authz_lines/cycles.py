"""Matrix lines of the ministry's reporting cycles: for the ministry only; partners get 403.

The pages of a cycle need one: `_open_cycle` makes the (open) cycle 2024 with a draft report of
organisation A, once per check. Empty POSTs get messages at the fields (422) or the confirmation
page (200); reopening an open cycle is refused (409)."""

from sqlalchemy import select

from portal.extensions import db
from portal.models import ReportingCycle
from tests import factories
from tests.authz_roles import ministry_only

YEAR = 2024
BASE = "/ministerium/berichtszeitraeume"


def _open_cycle(cast) -> str:
    if db.session.scalar(select(ReportingCycle.id).where(ReportingCycle.year == YEAR)) is None:
        cycle = factories.ReportingCycleFactory(year=YEAR)
        factories.ReportFactory(organisation=cast["org_a"], cycle=cycle)
        db.session.commit()
    return f"{BASE}/{YEAR}"


LINES = {
    ("cycles.index", "GET"): (lambda c: BASE, ministry_only(), None),
    ("cycles.open", "GET"): (lambda c: f"{BASE}/neu", ministry_only(), None),
    ("cycles.open", "POST"): (lambda c: f"{BASE}/neu", ministry_only(422), {}),
    ("cycles.show", "GET"): (_open_cycle, ministry_only(), None),
    ("cycles.extend", "POST"): (
        lambda c: f"{_open_cycle(c)}/verlaengern",
        ministry_only(422),
        {},
    ),
    # Without "confirmed" the page asks to confirm and sends nothing.
    ("cycles.remind", "POST"): (lambda c: f"{_open_cycle(c)}/erinnern", ministry_only(), {}),
    ("cycles.close", "POST"): (lambda c: f"{_open_cycle(c)}/schliessen", ministry_only(), {}),
    ("cycles.reopen", "POST"): (
        lambda c: f"{_open_cycle(c)}/wiedereroeffnen",
        ministry_only(409),
        {},
    ),
}
