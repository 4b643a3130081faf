"""Matrix lines of the members' area: directory and good-practice library. Organisations A and B
of the cast are active partners, so all their people get in; anonymous visitors log in first."""

from tests import factories
from tests.authz_roles import HOME, LOGIN, logged_in


def _shared_measure(c):
    """A measure of organisation A, shared as good practice in its concept in force."""
    concept = factories.ConceptFactory(organisation=c["org_a"], status="approved")
    measure = factories.MeasureFactory(concept=concept, share_as_good_practice=True)
    factories.db.session.commit()
    return measure


def _shared_story(c):
    report = factories.ReportFactory(
        organisation=c["org_a"],
        status="approved",
        good_practice_story="Erfahrung",
        share_story=True,
    )
    factories.db.session.commit()
    return report


# Stop sharing: only organisation A's own people; the ministry does not decide for a partner.
ORG_A_ONLY = {
    "anonymous": LOGIN,
    "editor_a": HOME,
    "admin_a": HOME,
    "admin_b": 403,
    "reviewer": 403,
    "admin": 403,
}

LINES = {
    ("exchange.index", "GET"): (lambda c: "/austausch", logged_in(200), None),
    ("exchange.directory", "GET"): (lambda c: "/austausch/verzeichnis", logged_in(200), None),
    ("exchange.organisation", "GET"): (
        lambda c: f"/austausch/verzeichnis/{c['org_a'].id}",
        logged_in(200),
        None,
    ),
    ("exchange.library", "GET"): (lambda c: "/austausch/praxisbeispiele", logged_in(200), None),
    ("exchange.measure", "GET"): (
        lambda c: f"/austausch/praxisbeispiele/massnahmen/{_shared_measure(c).id}",
        logged_in(200),
        None,
    ),
    ("exchange.story", "GET"): (
        lambda c: f"/austausch/praxisbeispiele/berichte/{_shared_story(c).id}",
        logged_in(200),
        None,
    ),
    ("exchange.unshare_measure", "POST"): (
        lambda c: (
            f"/austausch/praxisbeispiele/massnahmen/{_shared_measure(c).id}/nicht-mehr-teilen"
        ),
        ORG_A_ONLY,
        {},
    ),
    ("exchange.unshare_story", "POST"): (
        lambda c: f"/austausch/praxisbeispiele/berichte/{_shared_story(c).id}/nicht-mehr-teilen",
        ORG_A_ONLY,
        {},
    ),
}
