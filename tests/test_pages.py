"""The home pages of partners and ministry: what they show, what they hide, and that their
number of SQL queries does not grow with the data."""

import pytest

from portal.models import FieldOfAction, SubmissionStatus, utcnow
from tests import factories

pytestmark = pytest.mark.db


def test_partner_page_shows_name_status_and_member_number(client, cast, login_as):
    login_as(cast["editor_a"])
    page = client.get(f"/organisationen/{cast['org_a'].id}").get_data(as_text=True)
    assert "Organisation A" in page
    assert "Aktive Partnerorganisation" in page or "Aktiver Partner" in page
    assert ">1<" in page  # member number
    # Editors do not see the account list; nothing of organisation B appears.
    assert cast["admin_a"].email not in page
    assert "Organisation B" not in page


def test_partner_admin_sees_the_accounts_of_the_organisation(client, cast, login_as):
    login_as(cast["admin_a"])
    page = client.get(f"/organisationen/{cast['org_a'].id}").get_data(as_text=True)
    assert cast["editor_a"].email in page
    assert cast["admin_b"].email not in page


def test_another_organisation_gets_403_without_its_name(client, cast, login_as):
    login_as(cast["admin_b"])
    response = client.get(f"/organisationen/{cast['org_a'].id}")
    assert response.status_code == 403
    assert "Organisation A" not in response.get_data(as_text=True)


def test_missing_organisation_is_404(client, cast, login_as):
    login_as(cast["reviewer"])
    assert client.get("/organisationen/999999").status_code == 404


def test_user_text_is_escaped(client, cast, login_as, db):
    cast["org_a"].name = '<script>alert("x")</script>'
    cast["editor_a"].name = '<img src=x onerror="alert(1)">'
    db.session.commit()
    login_as(cast["admin_a"])
    page = client.get(f"/organisationen/{cast['org_a'].id}").get_data(as_text=True)
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;" in page
    assert "<img src=x" not in page


def _submitted_concepts(n):
    for _ in range(n):
        org = factories.OrganisationFactory()
        factories.ConceptFactory(
            organisation=org, status=SubmissionStatus.SUBMITTED, submitted_at=utcnow()
        )


def test_ministry_dashboard_lists_the_queue_oldest_first(client, cast, login_as, db):
    old = factories.ConceptFactory(
        organisation=cast["org_a"],
        status=SubmissionStatus.SUBMITTED,
        submitted_at=utcnow().replace(year=2025),
    )
    factories.ConceptFactory(
        organisation=cast["org_b"], status=SubmissionStatus.SUBMITTED, submitted_at=utcnow()
    )
    db.session.commit()
    login_as(cast["reviewer"])
    page = client.get("/ministerium").get_data(as_text=True)
    assert page.index("Organisation A") < page.index("Organisation B")
    assert old.organisation.name in page


def test_ministry_dashboard_queries_do_not_grow_with_the_data(
    client, cast, login_as, db, count_queries
):
    login_as(cast["reviewer"])
    _submitted_concepts(3)
    db.session.commit()
    with count_queries() as few:
        assert client.get("/ministerium").status_code == 200
    _submitted_concepts(30)
    db.session.commit()
    with count_queries() as many:
        assert client.get("/ministerium").status_code == 200
    assert few.count == many.count
    # user, partners by status, queue (count + page), queue counts, non-reporting (count, page,
    # per cycle), user of the session: a fixed number whatever the data.
    assert many.count <= 9, many.statements


def test_organisation_page_queries_do_not_grow_with_the_data(
    client, cast, login_as, db, count_queries
):
    login_as(cast["admin_a"])
    concept = factories.ConceptFactory(organisation=cast["org_a"], status=SubmissionStatus.APPROVED)
    factories.MeasureFactory(concept=concept)
    db.session.commit()
    with count_queries() as few:
        client.get(f"/organisationen/{cast['org_a'].id}")
    fields = db.session.query(FieldOfAction).all()
    for n in range(10):
        factories.UserFactory(organisation=cast["org_a"])
        # Measures in different fields of action: no query per field either.
        factories.MeasureFactory(concept=concept, field_of_action=fields[n % len(fields)])
    db.session.commit()
    with count_queries() as many:
        client.get(f"/organisationen/{cast['org_a'].id}")
    assert few.count == many.count
