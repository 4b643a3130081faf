"""The review queue (/ministerium/pruefung) and the queue counts on the ministry's dashboard:
what waits, oldest first, filters, pagination and a constant number of SQL queries."""

import re
from datetime import timedelta

import pytest

from portal.models import SubmissionStatus, utcnow
from tests import factories
from tests.review_support import in_english

pytestmark = pytest.mark.db

S = SubmissionStatus
QUEUE = "/ministerium/pruefung"


@pytest.fixture
def english(db, cast):
    return in_english(cast)


def _concept(organisation, days_ago, status=S.SUBMITTED, reviewer=None, version=1):
    submitted = utcnow() - timedelta(days=days_ago, hours=1)
    return factories.ConceptFactory(
        organisation=organisation,
        status=status,
        version_number=version,
        submitted_at=submitted,
        changes_requested_at=submitted + timedelta(hours=1)
        if status == S.CHANGES_REQUESTED
        else None,
        assigned_reviewer=reviewer,
    )


def _report(organisation, days_ago, year=2024, status=S.SUBMITTED, reviewer=None):
    cycle = factories.ReportingCycleFactory(year=year)
    return factories.ReportFactory(
        organisation=organisation,
        cycle=cycle,
        status=status,
        submitted_at=utcnow() - timedelta(days=days_ago, hours=1),
        assigned_reviewer=reviewer,
    )


def _rows(page: str) -> list[str]:
    """The text of each row of the queue table, tags and white space collapsed."""
    body = page.split('<tbody class="kern-table__body">', 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


@pytest.fixture
def queue_data(db, english):
    """Five organisations' submissions in different states, ages and assignments."""
    cast = english
    colleague = factories.UserFactory(role="reviewer", organisation=None, name="Kollegin Kaya")
    orgs = {
        name: factories.OrganisationFactory(name=name)
        for name in ("Alt GmbH", "Mittel e. V.", "Neu AG", "Bericht Stadt", "Wartet Kreis")
    }
    data = {
        "old": _concept(orgs["Alt GmbH"], days_ago=20, version=2),
        "middle": _concept(orgs["Mittel e. V."], days_ago=9, reviewer=cast["reviewer"]),
        "new": _concept(orgs["Neu AG"], days_ago=1, reviewer=colleague),
        "report": _report(orgs["Bericht Stadt"], days_ago=15),
        "waiting": _concept(orgs["Wartet Kreis"], days_ago=30, status=S.CHANGES_REQUESTED),
        "draft": _concept(cast["org_a"], days_ago=0, status=S.DRAFT),
        "approved": _concept(cast["org_b"], days_ago=40, status=S.APPROVED),
        "colleague": colleague,
    }
    db.session.commit()
    return data


def test_the_queue_lists_submitted_concepts_and_reports_oldest_first(
    client, english, login_as, queue_data
):
    login_as(english["reviewer"])
    response = client.get(QUEUE)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1" in page and "Review queue" in page
    rows = _rows(page)
    assert [row.split(" Concept")[0].split(" Annual")[0] for row in rows] == [
        "Alt GmbH",
        "Bericht Stadt",
        "Mittel e. V.",
        "Neu AG",
    ]
    assert "Concept, version 2" in rows[0] and "20 days" in rows[0] and "nobody yet" in rows[0]
    assert "Annual report 2024" in rows[1] and "15 days" in rows[1]
    assert english["reviewer"].name in rows[2] and "9 days" in rows[2]
    assert "Kollegin Kaya" in rows[3] and "1 day" in rows[3]
    # Concepts link to their review page; the report to its organisation for now.
    assert f'href="/ministerium/konzepte/{queue_data["old"].id}"' in page
    assert f'href="/organisationen/{queue_data["report"].organisation_id}"' in page
    # Drafts, approved concepts and change requests are not waiting for review.
    assert "Wartet Kreis" not in page
    assert "Organisation A" not in page and "Organisation B" not in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=concept", ["Alt GmbH", "Mittel e. V.", "Neu AG"]),
        ("kind=report", ["Bericht Stadt"]),
        ("assigned=me", ["Mittel e. V."]),
        ("assigned=unassigned", ["Alt GmbH", "Bericht Stadt"]),
        ("waiting=long", ["Alt GmbH", "Bericht Stadt"]),
        ("kind=concept&assigned=unassigned&waiting=long", ["Alt GmbH"]),
        ("status=changes_requested", ["Wartet Kreis"]),
        ("status=changes_requested&waiting=long", ["Wartet Kreis"]),
        ("status=changes_requested&assigned=me", []),
    ],
)
def test_filters(client, english, login_as, queue_data, query, expected):
    login_as(english["reviewer"])
    page = client.get(f"{QUEUE}?{query}").get_data(as_text=True)
    names = ["Alt GmbH", "Mittel e. V.", "Neu AG", "Bericht Stadt", "Wartet Kreis"]
    shown = [name for name in names if name in page]
    assert sorted(shown) == sorted(expected)
    if not expected:
        assert "Nothing matches these filters." in page
        assert "Show everything that waits for review" in page


def test_waiting_for_the_partner_shows_when_changes_were_requested(
    client, english, login_as, queue_data
):
    login_as(english["reviewer"])
    page = client.get(f"{QUEUE}?status=changes_requested").get_data(as_text=True)
    assert "Changes requested on" in page
    assert "1 submission waits for the partner's changes" in page


@pytest.mark.parametrize(
    "query",
    ["kind=nonsense", "assigned=%3Cscript%3E", "status=approved", "waiting=x" * 50, "page=abc"],
)
def test_unknown_filter_values_are_ignored_with_a_message(
    client, english, login_as, queue_data, query
):
    login_as(english["reviewer"])
    response = client.get(f"{QUEUE}?{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>" not in page
    # The unfiltered queue still shows, and a bad choice is explained at the field.
    assert "Alt GmbH" in page
    if not query.startswith("page"):
        assert "Choose one of the options in the list." in page


def test_pagination_keeps_the_filters(client, english, login_as, db):
    login_as(english["reviewer"])
    for index in range(30):
        _concept(factories.OrganisationFactory(name=f"Org {index:02d}"), days_ago=40 - index)
    db.session.commit()

    first = client.get(f"{QUEUE}?kind=concept").get_data(as_text=True)
    assert len(_rows(first)) == 25
    assert "Showing 1 to 25 of 30" in first
    assert "kind=concept" in first.split('rel="next"')[1].split(">")[0] or re.search(
        r'href="[^"]*page=2[^"]*kind=concept|href="[^"]*kind=concept[^"]*page=2', first
    )
    second = client.get(f"{QUEUE}?kind=concept&page=2").get_data(as_text=True)
    assert [row.split(" ")[0:2] for row in _rows(second)] == [
        ["Org", f"{index:02d}"] for index in range(25, 30)
    ]
    # A page far beyond the end is empty, not an error.
    beyond = client.get(f"{QUEUE}?page=999999999")
    assert beyond.status_code == 200
    assert "Nothing matches these filters." in beyond.get_data(as_text=True)


def _fill(db, cast, n):
    reviewers = [cast["reviewer"], cast["admin"], None]
    for index in range(n):
        organisation = factories.OrganisationFactory()
        _concept(organisation, days_ago=index % 30, reviewer=reviewers[index % 3])
        _report(organisation, days_ago=index % 20, year=1900 + index + n * 10)
    db.session.commit()


@pytest.mark.parametrize("path", [QUEUE, f"{QUEUE}?assigned=me&kind=concept", "/ministerium"])
def test_the_queue_and_dashboard_take_the_same_queries_for_n_and_10n(
    client, english, login_as, db, count_queries, path
):
    login_as(english["reviewer"])
    _fill(db, english, 3)
    client.get(path)  # warm up (first-request work)
    with count_queries() as few:
        assert client.get(path).status_code == 200
    _fill(db, english, 27)
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert many.count == few.count, (few.count, many.count)


def test_assigning_from_the_queue_returns_to_the_queue(client, english, login_as, queue_data):
    login_as(english["reviewer"])
    page = client.get(f"{QUEUE}?kind=concept").get_data(as_text=True)
    concept = queue_data["old"]
    assert f'action="/ministerium/konzepte/{concept.id}/zuweisen"' in page
    assert f'id="assign-{concept.id}-reviewer"' in page
    assert "Assign the concept of Alt GmbH to" in page
    response = client.post(
        f"/ministerium/konzepte/{concept.id}/zuweisen",
        data={
            f"assign-{concept.id}-reviewer": str(queue_data["colleague"].id),
            f"assign-{concept.id}-return_to": f"{QUEUE}?kind=concept",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"{QUEUE}?kind=concept"
    page = client.get(f"{QUEUE}?kind=concept").get_data(as_text=True)
    assert "assigned to Kollegin Kaya" in page
    assert "Kollegin Kaya" in _rows(page)[0]


def test_dashboard_counts_link_into_the_queue(client, english, login_as, queue_data, db):
    login_as(english["reviewer"])
    page = client.get("/ministerium").get_data(as_text=True)
    assert "4 submissions wait for review." in page
    assert (
        '<a class="kern-link" href="/ministerium/pruefung?assigned=me">1 assigned to me</a>' in page
    )
    assert (
        '<a class="kern-link" href="/ministerium/pruefung?assigned=unassigned">2 not assigned yet</a>'
        in page
    )
    assert (
        '<a class="kern-link" href="/ministerium/pruefung?waiting=long">2 waiting more than 14 days</a>'
        in page
    )
    # The colleague's count of "mine" is their own.
    client.post("/abmelden")
    colleague = queue_data["colleague"]
    colleague.locale = "en"
    db.session.commit()
    login_as(colleague)
    assert "1 assigned to me" in client.get("/ministerium").get_data(as_text=True)


def test_partners_cannot_open_the_queue(client, english, login_as):
    login_as(english["admin_a"])
    assert client.get(QUEUE).status_code == 403
