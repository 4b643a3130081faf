"""The overview of a reporting cycle: where each report stands (computed in SQL, in step with
`portal.reports.cycles.standing`), the counts and rates, filters, sort orders, pages of fifty, and
a constant number of SQL statements; and the list of cycles.

Fixtures and helpers come from tests/test_cycles.py (English readers, a hand-made cycle)."""

import re
from datetime import date, timedelta

import pytest

from portal.cycles import queries
from portal.models import CycleExtension, OrganisationStatus, Report, SubmissionStatus
from portal.reports import cycles
from tests import factories, test_cycles
from tests.test_cycles import BASE, TODAY, _at, _cycle, _partner

# The fixtures of tests/test_cycles.py: English readers, a logged-in reviewer, a hand-made cycle.
people = test_cycles.people
reviewer = test_cycles.reviewer
handmade = test_cycles.handmade

pytestmark = pytest.mark.db

# --- the SQL standing agrees with the service's ----------------------------------------------


def test_counts_and_rates_of_the_handmade_set(db, handmade):
    cycle, _reports = handmade
    counts = queries.cycle_counts(cycle, TODAY)
    assert counts.total == 8
    assert (counts.submitted_on_time, counts.submitted_late) == (3, 1)
    assert (counts.open, counts.overdue, counts.non_reporting) == (2, 1, 1)
    assert counts.missing == 4
    assert counts.rate(counts.submitted_on_time) == 37.5
    assert counts.rate(counts.submitted_late) == 12.5
    assert counts.rate(counts.missing) == 50.0


def test_every_row_stands_as_the_service_says(db, handmade):
    cycle, reports = handmade
    rows = db.session.execute(
        queries.overview_statement(cycle, queries.OverviewFilters(), TODAY)
    ).all()
    assert len(rows) == 8
    for row in rows:
        report = db.session.get(Report, row.report_id)
        expected = cycles.standing(
            status=report.status,
            submitted_at=report.submitted_at,
            due_on=cycles.due_date_for(cycle, report.organisation_id),
            grace_months=cycle.grace_months,
            today=TODAY,
        )
        item = queries.overview_row(row, cycle, TODAY)
        assert item.standing == expected.state, row.organisation_name
        assert item.days_overdue == expected.days_overdue
        assert item.days_left == expected.days_left


@pytest.mark.parametrize(
    ("due", "grace", "today"),
    [
        (date(2026, 3, 31), 6, date(2026, 3, 31)),
        (date(2026, 3, 31), 6, date(2026, 4, 1)),
        (date(2026, 3, 31), 6, date(2026, 9, 30)),
        (date(2026, 3, 31), 6, date(2026, 10, 1)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 8, 31), 6, date(2027, 3, 1)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2027, 8, 31), 6, date(2028, 3, 1)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 1, 31), 1, date(2026, 3, 1)),
        (date(2026, 3, 31), 0, date(2026, 4, 1)),
    ],
)
def test_boundary_days_in_sql_and_in_python_agree(db, people, due, grace, today):
    cycle = factories.ReportingCycleFactory(
        year=2025, opens_on=date(2026, 1, 1), due_on=due, grace_months=grace
    )
    organisation, _ = _partner(db, "Grenzfall")
    factories.ReportFactory(organisation=organisation, cycle=cycle)
    db.session.commit()
    expected = cycles.standing(
        status=SubmissionStatus.DRAFT,
        submitted_at=None,
        due_on=due,
        grace_months=grace,
        today=today,
    ).state
    counts = queries.cycle_counts(cycle, today)
    assert getattr(counts, expected) == 1


def test_the_preview_count_is_who_gets_a_report(db, people):
    _partner(db, "Früh", signed_on=date(2024, 3, 1))
    _partner(db, "Silvester", signed_on=date(2025, 12, 31))
    _partner(db, "Neujahr", signed_on=date(2026, 1, 1))
    _partner(db, "Pausiert", status=OrganisationStatus.PAUSED)
    assert queries.count_partners_owing_a_report(2025) == 2
    cycle = cycles.open_cycle(2025, opens_on=date(2026, 1, 5), actor=people["reviewer"])
    assert queries.cycle_counts(cycle, TODAY).total == 2


# --- the list of cycles ------------------------------------------------------------------------


def test_the_list_shows_every_cycle_with_its_counts(client, db, reviewer, handmade):
    older = _cycle(db, year=TODAY.year - 3, opens=900, due=800, closed=True)
    response = client.get(BASE)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Reporting cycle {TODAY.year - 1}" in page
    assert f"Reporting cycle {older.year}" in page
    assert "4 of 8" in page  # submitted: on time, late, changes requested, extended
    assert "0 of 0" in page
    assert page.index(str(TODAY.year - 1)) < page.index(str(older.year))
    assert "Closed" in page and f"{BASE}/neu" in page


def test_without_cycles_the_list_says_what_to_do(client, reviewer):
    page = client.get(BASE).get_data(as_text=True)
    assert "No reporting cycle has been opened yet." in page
    assert f"Open the cycle for {TODAY.year - 1}" in page


# --- the overview ------------------------------------------------------------------------------


def _rows(page: str) -> list[str]:
    """The standings of the table's rows, in order."""
    return re.findall(r'data-standing="([a-z_]+)"', page)


def test_the_overview_shows_each_organisation_and_the_counts(client, reviewer, handmade):
    cycle, reports = handmade
    response = client.get(f"{BASE}/{cycle.year}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Reporting cycle {cycle.year}</h1>" in page
    assert _rows(page) == [
        "submitted_on_time",
        "submitted_late",
        "open",
        "overdue",
        "non_reporting",
        "submitted_on_time",
        "open",
        "submitted_on_time",
    ]
    assert 'id="count-submitted_on_time"' in page
    assert "37.5 %" in page and "12.5 %" in page and "50.0 %" in page
    # Standing in words, never by colour alone; the organisation's own date is marked.
    assert "Non-reporting" in page and "Overdue" in page and "Submitted late" in page
    assert "Own extension</strong>: Grund für D Überfällig" in page
    assert f'href="/organisationen/{reports["late"].organisation_id}"' in page
    assert "10 days left" in page
    overdue_row = page.split('data-standing="overdue"')[1].split("</tr>")[0]
    assert re.search(r"kern-table__cell--numeric\">\s*5\s*</td>", overdue_row)


def test_filter_by_standing_search_and_sort(client, reviewer, handmade):
    cycle, _ = handmade
    url = f"{BASE}/{cycle.year}"
    assert _rows(client.get(f"{url}?standing=overdue").get_data(as_text=True)) == ["overdue"]
    missing = _rows(client.get(f"{url}?standing=not_submitted").get_data(as_text=True))
    assert sorted(missing) == ["non_reporting", "open", "open", "overdue"]
    found = client.get(f"{url}?q=VER").get_data(as_text=True)
    assert _rows(found) == ["submitted_late", "open"]
    by_standing = _rows(client.get(f"{url}?sort=standing").get_data(as_text=True))
    assert by_standing[:2] == ["non_reporting", "overdue"]
    assert by_standing[-1] == "submitted_on_time"
    by_submitted = client.get(f"{url}?sort=submitted").get_data(as_text=True)
    assert _rows(by_submitted)[:2] == ["submitted_on_time", "submitted_late"]  # H, then B
    assert set(_rows(by_submitted)[4:]) == {"open", "overdue", "non_reporting"}
    assert by_submitted.index("H Mit Frist") < by_submitted.index("B Verspätet")
    # An unknown value is explained and ignored.
    response = client.get(f"{url}?standing=bogus&sort=<b>x</b>")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Choose one of the options in the list." in page
    assert len(_rows(page)) == 8
    assert "<b>x</b>" not in page


def test_an_unknown_year_is_not_found(client, reviewer):
    assert client.get(f"{BASE}/1999").status_code == 404
    assert client.post(f"{BASE}/1999/schliessen").status_code == 404


def _many(db, cycle, n):
    for i in range(n):
        organisation = factories.OrganisationFactory(name=f"Organisation {cycle.year}-{i:04d}")
        factories.UserFactory(role="partner_admin", organisation=organisation)
        status = SubmissionStatus.SUBMITTED if i % 3 == 0 else SubmissionStatus.DRAFT
        submitted = _at(cycle.due_on) if i % 3 == 0 else None
        factories.ReportFactory(
            organisation=organisation, cycle=cycle, status=status, submitted_at=submitted
        )
        if i % 5 == 0:
            db.session.add(
                CycleExtension(
                    cycle_id=cycle.id,
                    organisation_id=organisation.id,
                    due_on=TODAY + timedelta(days=3),
                    reason="Personalwechsel",
                )
            )
    db.session.commit()


def test_the_overview_pages_by_fifty_with_a_constant_number_of_queries(
    client, db, reviewer, count_queries
):
    cycle = _cycle(db)
    url = f"{BASE}/{cycle.year}?sort=standing"
    _many(db, cycle, 12)
    with count_queries() as small:
        response = client.get(url)
    assert len(_rows(response.get_data(as_text=True))) == 12

    _many_more = 120 - 12
    for i in range(_many_more):
        organisation = factories.OrganisationFactory(name=f"Weitere {i:04d}")
        factories.ReportFactory(organisation=organisation, cycle=cycle)
    db.session.commit()
    with count_queries() as large:
        response = client.get(url)
    page = response.get_data(as_text=True)
    assert len(_rows(page)) == 50
    assert "Showing 1 to 50 of 120" in page
    # The user, the cycle, the counts, the page of rows and its total, the organisations of the
    # extension form.
    assert small.count == large.count == 6, (small.statements, large.statements)
    last = client.get(f"{BASE}/{cycle.year}?sort=standing&page=3").get_data(as_text=True)
    assert len(_rows(last)) == 20


def test_the_list_of_cycles_keeps_a_constant_number_of_queries(client, db, reviewer, count_queries):
    for year in (2001, 2002):
        _many(db, _cycle(db, year=year), 3)
    with count_queries() as small:
        client.get(BASE)
    for year in range(2003, 2023):
        _many(db, _cycle(db, year=year), 3)
    with count_queries() as large:
        page = client.get(BASE).get_data(as_text=True)
    assert "Reporting cycle 2022" in page and "Reporting cycle 2001" in page
    assert small.count == large.count == 3  # the user, the page of cycles and its total
