"""The ministry's reporting cycle pages: opening a cycle, extending, reminding, closing and
reopening (the overview and the list of cycles: tests/test_cycles_overview.py).

The people here read the portal in English, so the assertions do not depend on the German
catalog. Dates are relative to today, as the pages compute standings with `date.today()`."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.cycles.forms import proposed_due_date
from portal.models import (
    Agreement,
    AuditEntry,
    CycleExtension,
    OrganisationStatus,
    Report,
    ReportingCycle,
    SubmissionStatus,
)
from portal.reports import cycles
from tests import factories

pytestmark = pytest.mark.db

TODAY = date.today()
BASE = "/ministerium/berichtszeitraeume"


@pytest.fixture
def people(cast, db):
    for role in ("reviewer", "admin", "admin_a", "admin_b", "editor_a"):
        cast[role].locale = "en"
    db.session.commit()
    return cast


@pytest.fixture
def reviewer(people, login_as):
    login_as(people["reviewer"])
    return people["reviewer"]


def _partner(db, name, *, signed_on=date(2020, 5, 1), status=OrganisationStatus.ACTIVE):
    organisation = factories.OrganisationFactory(name=name, status=status)
    organisation.agreement = Agreement(
        signed_on=signed_on, ministry_signatory="Ministerium", organisation_signatory="Leitung"
    )
    admin = factories.UserFactory(
        role="partner_admin", organisation=organisation, locale="en", name=f"Admin {name}"
    )
    db.session.commit()
    return organisation, admin


def _cycle(db, *, year=None, opens=100, due=40, grace=1, closed=False):
    """A cycle that opened `opens` days ago and was due `due` days ago (negative: in future)."""
    cycle = factories.ReportingCycleFactory(
        year=year or TODAY.year - 1,
        opens_on=TODAY - timedelta(days=opens),
        due_on=TODAY - timedelta(days=due),
        grace_months=grace,
    )
    if closed:
        cycle.closed_at = datetime.now() - timedelta(days=1)
    db.session.commit()
    return cycle


def _at(day: date, hour=10) -> datetime:
    return datetime(day.year, day.month, day.day, hour)


def _report(db, cycle, name, *, status=SubmissionStatus.DRAFT, submitted=None, extension=None):
    organisation, admin = _partner(db, name)
    report = factories.ReportFactory(
        organisation=organisation,
        cycle=cycle,
        status=status,
        submitted_at=_at(submitted) if submitted else None,
    )
    if extension is not None:
        db.session.add(
            CycleExtension(
                cycle_id=cycle.id,
                organisation_id=organisation.id,
                due_on=extension,
                reason=f"Grund für {name}",
            )
        )
    db.session.commit()
    return report


@pytest.fixture
def handmade(db, people):
    """Eight reports, one for every way a report can stand. The cycle was due 40 days ago with
    a grace period of one month, so a report missing without extension is non-reporting."""
    cycle = _cycle(db)
    due = cycle.due_on
    reports = {
        "on_time": _report(
            db, cycle, "A Pünktlich", status=SubmissionStatus.SUBMITTED, submitted=due
        ),
        "late": _report(
            db,
            cycle,
            "B Verspätet",
            status=SubmissionStatus.APPROVED,
            submitted=due + timedelta(days=3),
        ),
        "open": _report(db, cycle, "C Verlängert", extension=TODAY + timedelta(days=10)),
        "overdue": _report(db, cycle, "D Überfällig", extension=TODAY - timedelta(days=5)),
        "non_reporting": _report(db, cycle, "E Fehlt"),
        "changes": _report(
            db,
            cycle,
            "F Nachbesserung",
            status=SubmissionStatus.CHANGES_REQUESTED,
            submitted=due - timedelta(days=2),
        ),
        "withdrawn": _report(
            db, cycle, "G Zurückgezogen", submitted=due, extension=TODAY + timedelta(days=1)
        ),
        "extended_in_time": _report(
            db,
            cycle,
            "H Mit Frist",
            status=SubmissionStatus.SUBMITTED,
            submitted=TODAY - timedelta(days=25),
            extension=TODAY - timedelta(days=20),
        ),
    }
    return cycle, reports


# --- opening a cycle ---------------------------------------------------------------------------


def _open_form(**overrides):
    year = TODAY.year - 1
    data = {
        "year": str(year),
        "opens_on": TODAY.isoformat(),
        "due_on": proposed_due_date(year, TODAY).isoformat(),
        "grace_months": "6",
        "counted_year": str(year),
    }
    data.update(overrides)
    return data


def test_the_form_proposes_last_year_and_counts_the_partners(client, db, reviewer):
    _partner(db, "Partner Eins")
    _partner(db, "Partner Zwei")
    page = client.get(f"{BASE}/neu").get_data(as_text=True)
    year = TODAY.year - 1
    assert f'value="{year}"' in page
    assert f'value="{TODAY.isoformat()}"' in page
    assert f'value="{proposed_due_date(year, TODAY).isoformat()}"' in page
    assert 'value="6"' in page
    assert f"For {year}, 2 partners will get a report." in page


def test_opening_creates_the_reports_and_says_how_many(client, db, reviewer, outbox):
    _, admin = _partner(db, "Partner Eins")
    _partner(db, "Partner Zwei")
    response = client.post(f"{BASE}/neu", data=_open_form(), follow_redirects=True)
    page = response.get_data(as_text=True)
    year = TODAY.year - 1
    assert f"The reporting cycle {year} is open. 2 reports were created" in page
    assert response.request.path == f"{BASE}/{year}"
    assert db.session.scalar(select(func.count(Report.id))) == 2
    assert admin.email in [m.recipient for m in outbox()]


def test_a_changed_year_is_counted_before_anything_is_opened(client, db, reviewer):
    _partner(db, "Alt", signed_on=date(2015, 1, 1))
    _partner(db, "Neu", signed_on=date(TODAY.year - 1, 6, 1))
    year, shown = TODAY.year - 3, TODAY.year - 1
    opens_on = date(TODAY.year - 2, 1, 10)
    form = _open_form(
        year=str(year),
        counted_year=str(shown),
        opens_on=opens_on.isoformat(),
        due_on=proposed_due_date(shown, opens_on).isoformat(),
    )
    response = client.post(f"{BASE}/neu", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"For {year}, 1 partner will get a report." in page
    assert "nothing has been opened yet" in page
    # The due date left at the old year's proposal follows the year.
    assert f'value="{year + 1}-03-31"' in page
    assert f'name="counted_year" type="hidden" value="{year}"' in page
    assert db.session.scalar(select(func.count(ReportingCycle.id))) == 0

    client.post(
        f"{BASE}/neu",
        data={**form, "counted_year": str(year), "due_on": f"{year + 1}-03-31"},
    )
    assert db.session.scalar(select(ReportingCycle.year)) == year


def test_the_proposed_due_date_leaves_time_to_write():
    assert proposed_due_date(2025, date(2026, 1, 15)) == date(2026, 3, 31)
    assert proposed_due_date(2025, date(2026, 3, 31)) == date(2026, 6, 30)
    assert proposed_due_date(2025, date(2026, 11, 26)) == date(2027, 2, 26)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"year": ""}, "year", "Please enter the reporting year."),
        ({"year": "zwanzig"}, "year", "Enter the year as four digits, like 2025."),
        ({"year": "<script>alert(1)</script>"}, "year", "Enter the year as four digits"),
        ({"year": "1999"}, "year", "Enter a year from 2000"),
        ({"year": str(TODAY.year + 1)}, "year", "a cycle is opened for a year that has begun"),
        ({"opens_on": ""}, "opens_on", "Please enter the opening date."),
        ({"opens_on": "31.02.2026"}, "opens_on", "Enter a real date"),
        (
            {"due_on": (TODAY - timedelta(days=1)).isoformat()},
            "due_on",
            "The due date must be after the opening date.",
        ),
        ({"due_on": TODAY.isoformat()}, "due_on", "The due date must be after the opening date."),
        ({"grace_months": "-1"}, "grace_months", "Enter a number of months from 0 to 36."),
        ({"grace_months": "37"}, "grace_months", "Enter a number of months from 0 to 36."),
        ({"grace_months": "sechs"}, "grace_months", "Enter a number of months from 0 to 36."),
        ({"grace_months": ""}, "grace_months", "Please enter the grace period in months."),
    ],
)
def test_bad_input_when_opening_is_explained_and_kept(
    client, db, reviewer, overrides, field, message
):
    response = client.post(f"{BASE}/neu", data=_open_form(**overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert f'id="{field}-error"' in page
    assert 'id="error-summary"' in page
    assert "<script>alert(1)</script>" not in page
    for name, value in _open_form(**overrides).items():
        if name != "counted_year" and value and name not in overrides:
            assert f'value="{value}"' in page, name
    assert db.session.scalar(select(func.count(ReportingCycle.id))) == 0


def test_the_year_of_an_existing_cycle_is_refused_at_the_field(client, db, reviewer):
    _cycle(db, year=TODAY.year - 1)
    response = client.post(f"{BASE}/neu", data=_open_form())
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"A reporting cycle for {TODAY.year - 1} already exists." in page
    assert 'id="year-error"' in page


# --- extending ---------------------------------------------------------------------------------


def _extend_form(**overrides):
    data = {
        "organisation": "",
        "due_on": (TODAY + timedelta(days=30)).isoformat(),
        "reason": "Umstellung der Personalsoftware",
    }
    data.update(overrides)
    return data


def test_extending_for_everyone(client, db, reviewer, handmade):
    cycle, reports = handmade
    new_date = TODAY + timedelta(days=30)
    response = client.post(
        f"{BASE}/{cycle.year}/verlaengern", data=_extend_form(), follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "for every organisation without an extension of its own" in page
    db.session.expire_all()
    assert db.session.get(ReportingCycle, cycle.id).due_on == new_date
    # "E Fehlt" had no extension of its own: it is no longer non-reporting.
    assert cycles.due_date_for(cycle, reports["non_reporting"].organisation_id) == new_date
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "cycle_extended"))
    assert entry.comment == "Umstellung der Personalsoftware"
    assert entry.organisation_id is None


def test_extending_for_one_organisation(client, db, reviewer, handmade):
    cycle, reports = handmade
    missing = reports["non_reporting"]
    new_date = TODAY + timedelta(days=14)
    response = client.post(
        f"{BASE}/{cycle.year}/verlaengern",
        data=_extend_form(
            organisation=str(missing.organisation_id),
            due_on=new_date.isoformat(),
            reason="Krankheit der Ansprechperson",
        ),
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "The due date of E Fehlt is now" in page
    assert "Own extension</strong>: Krankheit der Ansprechperson" in page
    assert cycles.due_date_for(cycle, missing.organisation_id) == new_date
    assert db.session.get(ReportingCycle, cycle.id).due_on == TODAY - timedelta(days=40)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "cycle_extended"))
    assert entry.organisation_id == missing.organisation_id


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"reason": "  "}, "reason", "Please give a reason."),
        ({"reason": "x" * 2001}, "reason", "Enter at most 2000 characters."),
        ({"due_on": ""}, "due_on", "Please enter the new due date."),
        ({"due_on": "morgen"}, "due_on", "Enter a real date"),
        ({"due_on": "1800-01-01"}, "due_on", "Please check the year of the date."),
        (
            {"due_on": (TODAY - timedelta(days=100)).isoformat()},
            "due_on",
            "The due date must be after the opening date.",
        ),
        ({"organisation": "999999"}, "organisation", "Choose one of the organisations"),
        ({"organisation": "<script>x</script>"}, "organisation", "Choose one of the"),
    ],
)
def test_bad_input_when_extending_is_explained_and_kept(
    client, db, reviewer, handmade, overrides, field, message
):
    cycle, _ = handmade
    data = _extend_form(**overrides)
    response = client.post(f"{BASE}/{cycle.year}/verlaengern", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert f'id="{field}-error"' in page
    assert "<script>x</script>" not in page
    if "reason" not in overrides:
        assert "Umstellung der Personalsoftware</textarea>" in page
    if "due_on" not in overrides:
        assert f'value="{data["due_on"]}"' in page
    assert (
        db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action.like("cycle_%"))
        )
        == 0
    )


def test_an_organisation_without_report_is_refused(client, db, reviewer, handmade):
    cycle, _ = handmade
    stranger, _ = _partner(db, "Ohne Bericht")
    response = client.post(
        f"{BASE}/{cycle.year}/verlaengern", data=_extend_form(organisation=str(stranger.id))
    )
    assert response.status_code == 422
    assert "Choose one of the organisations in the list." in response.get_data(as_text=True)


def test_a_closed_cycle_is_not_extended(client, db, reviewer):
    cycle = _cycle(db, closed=True)
    response = client.post(f"{BASE}/{cycle.year}/verlaengern", data=_extend_form())
    assert response.status_code == 409
    assert "is closed, so its due date cannot be extended" in response.get_data(as_text=True)
    assert db.session.get(ReportingCycle, cycle.id).due_on == TODAY - timedelta(days=40)


# --- reminders ---------------------------------------------------------------------------------


def test_reminders_ask_first_then_reach_the_right_people(client, db, reviewer, handmade, outbox):
    cycle, reports = handmade
    # Not to be reminded: an editor, a deactivated admin, a partner that left the network.
    missing_org = reports["non_reporting"].organisation
    factories.UserFactory(role="partner_editor", organisation=missing_org, locale="en")
    factories.UserFactory(
        role="partner_admin", organisation=missing_org, is_active_account=False, locale="en"
    )
    gone = _report(db, cycle, "I Ausgetreten")
    gone.organisation.status = OrganisationStatus.LEFT
    no_admin = _report(db, cycle, "J Ohne Admin")
    for user in no_admin.organisation.users:
        db.session.delete(user)
    db.session.commit()

    confirm = client.post(f"{BASE}/{cycle.year}/erinnern")
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "The reminder goes to 4 people: the partner admins of 5 organisations" in page
    assert "1 of these organisations has no active partner admin" in page
    assert "Send 4 reminders" in page
    assert outbox() == []

    response = client.post(
        f"{BASE}/{cycle.year}/erinnern", data={"confirmed": "yes"}, follow_redirects=True
    )
    assert "4 reminders were sent to the partner admins of 4 organisations." in (
        response.get_data(as_text=True)
    )
    expected = {
        f"Admin {name}" for name in ("C Verlängert", "D Überfällig", "E Fehlt", "G Zurückgezogen")
    }
    mails = outbox()
    recipients = {m.recipient for m in mails}
    admins = {u.email for r in reports.values() for u in r.organisation.users if u.name in expected}
    assert recipients == admins and len(mails) == 4
    overdue = next(m for m in mails if "D Überfällig" in m.body)
    assert "is overdue" in overdue.subject and "5 days ago" in overdue.body
    upcoming = next(m for m in mails if "C Verlängert" in m.body)
    assert "due by" in upcoming.subject
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "cycle_reminders_sent"))
    assert entry.data["recipients"] == "4" and entry.data["organisations"] == "4"
    assert entry.actor_id == reviewer.id


def test_nobody_to_remind_is_said_plainly(client, db, reviewer, outbox):
    cycle = _cycle(db)
    _report(db, cycle, "Fertig", status=SubmissionStatus.SUBMITTED, submitted=cycle.due_on)
    page = client.post(f"{BASE}/{cycle.year}/erinnern").get_data(as_text=True)
    assert "There is no one to remind" in page
    response = client.post(f"{BASE}/{cycle.year}/erinnern", data={"confirmed": "yes"})
    assert response.status_code == 409
    assert "No reminder was sent" in response.get_data(as_text=True)
    assert outbox() == []


def test_a_closed_cycle_reminds_only_whom_it_was_reopened_for(
    client, db, reviewer, handmade, outbox
):
    cycle, reports = handmade
    cycle.closed_at = datetime.now()
    db.session.commit()
    missing = reports["non_reporting"]
    cycles.reopen_for(
        cycle,
        missing.organisation,
        due_on=TODAY + timedelta(days=10),
        reason="Nachfrist",
        actor=reviewer,
    )
    client.post(f"{BASE}/{cycle.year}/erinnern", data={"confirmed": "yes"})
    assert [m.recipient for m in outbox()] == [missing.organisation.users[0].email]


# --- closing and reopening ---------------------------------------------------------------------


def test_closing_asks_first_and_then_refuses_a_second_time(client, db, reviewer, handmade):
    cycle, reports = handmade
    confirm = client.post(f"{BASE}/{cycle.year}/schliessen")
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "4 reports have not been submitted yet." in page
    assert db.session.get(ReportingCycle, cycle.id).closed_at is None

    response = client.post(
        f"{BASE}/{cycle.year}/schliessen", data={"confirmed": "yes"}, follow_redirects=True
    )
    assert f"The reporting cycle {cycle.year} is closed." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ReportingCycle, cycle.id).is_closed
    assert (
        db.session.scalar(select(AuditEntry.action).where(AuditEntry.action.like("cycle_%")))
        == "cycle_closed"
    )
    assert not cycles.accepts_submissions(cycle, reports["open"].organisation_id)

    again = client.post(f"{BASE}/{cycle.year}/schliessen", data={"confirmed": "yes"})
    assert again.status_code == 409
    assert "is already closed" in again.get_data(as_text=True)


def _reopen_form(report, **overrides):
    data = {
        "organisation": str(report.organisation_id),
        "due_on": (TODAY + timedelta(days=21)).isoformat(),
        "reason": "Server der Organisation ausgefallen",
    }
    data.update(overrides)
    return data


def test_reopening_lets_only_that_organisation_submit(client, db, reviewer, handmade):
    cycle, reports = handmade
    cycle.closed_at = datetime.now()
    db.session.commit()
    chosen, other = reports["non_reporting"], reports["overdue"]
    response = client.post(
        f"{BASE}/{cycle.year}/wiedereroeffnen",
        data=_reopen_form(chosen),
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "is reopened for E Fehlt until" in page
    assert "Reopened for this organisation</strong>: Server der Organisation ausgefallen" in page
    db.session.expire_all()
    cycle = db.session.get(ReportingCycle, cycle.id)
    assert cycles.accepts_submissions(cycle, chosen.organisation_id)
    assert not cycles.accepts_submissions(cycle, other.organisation_id)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "cycle_reopened"))
    assert entry.organisation_id == chosen.organisation_id


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"organisation": ""}, "organisation", "Please choose the organisation."),
        ({"organisation": "424242"}, "organisation", "Choose one of the organisations"),
        (
            {"due_on": (TODAY - timedelta(days=1)).isoformat()},
            "due_on",
            "The new due date must not be in the past.",
        ),
        ({"due_on": ""}, "due_on", "Please enter the new due date."),
        ({"reason": ""}, "reason", "Please give a reason."),
        ({"reason": "<img src=x onerror=alert(1)>" * 100}, "reason", "at most 2000"),
    ],
)
def test_bad_input_when_reopening_is_explained_and_kept(
    client, db, reviewer, handmade, overrides, field, message
):
    cycle, reports = handmade
    cycle.closed_at = datetime.now()
    db.session.commit()
    response = client.post(
        f"{BASE}/{cycle.year}/wiedereroeffnen", data=_reopen_form(reports["late"], **overrides)
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and f'id="{field}-error"' in page
    assert "<img src=x" not in page
    if "reason" not in overrides:
        assert "Server der Organisation ausgefallen</textarea>" in page
    assert db.session.scalar(select(func.count(CycleExtension.id))) == 4  # the handmade ones


def test_an_open_cycle_is_not_reopened(client, db, reviewer, handmade):
    cycle, reports = handmade
    response = client.post(
        f"{BASE}/{cycle.year}/wiedereroeffnen", data=_reopen_form(reports["late"])
    )
    assert response.status_code == 409
    assert "is still open" in response.get_data(as_text=True)


def test_partners_see_none_of_it(client, db, people, login_as, handmade):
    cycle, _ = handmade
    login_as(people["admin_a"])
    assert client.get(f"{BASE}/{cycle.year}").status_code == 403
    assert (
        client.post(f"{BASE}/{cycle.year}/schliessen", data={"confirmed": "yes"}).status_code == 403
    )
    assert db.session.get(ReportingCycle, cycle.id).closed_at is None
