"""The ministry runs the network: the overview of all organisations, an organisation's history,
creating an organisation, and declining an application."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from portal import audit
from portal.models import (
    AuditEntry,
    Concept,
    Organisation,
    OrganisationStatus,
    OutboxMessage,
    Role,
    Sector,
    SubmissionStatus,
    User,
)
from portal.network import services as network_services
from portal.network.history import ACTION_LABELS, action_label
from portal.partners.services import (
    PartnershipRefused,
    change_partnership,
    check_agreement_allowed,
)
from portal.workflow import apply_transition
from tests import factories

pytestmark = pytest.mark.db

S = OrganisationStatus
NETWORK = "/ministerium/netzwerk"


# --- helpers ---------------------------------------------------------------------------------


def _in_english(db, *users):
    """Pages in English: the assertions do not depend on the state of the German catalog."""
    for user in users:
        user.locale = "en"
    db.session.commit()


@pytest.fixture
def reviewer(cast, db, login_as):
    _in_english(db, cast["reviewer"])
    login_as(cast["reviewer"])
    return cast["reviewer"]


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def _rows(page: str, caption_id: str = "organisations-caption") -> list[list[str]]:
    """The cells of the table named by the caption, row by row, as text."""
    match = re.search(rf'id="{caption_id}".*?<tbody[^>]*>(.*?)</tbody>', page, re.S)
    if match is None:
        return []
    return [
        [_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", match.group(1), re.S)
    ]


def _names(page: str) -> list[str]:
    return [row[0] for row in _rows(page)]


def _field_error(page: str, field: str) -> str:
    match = re.search(rf'<p class="kern-error" id="{field}-error">(.*?)</p>', page, re.S)
    return _text(match.group(1)) if match else ""


def _organisation(name, status=S.ACTIVE, **kwargs):
    if status in (S.APPLICANT, S.DECLINED):
        kwargs.setdefault("member_number", None)
        kwargs.setdefault("member_since", None)
    return factories.OrganisationFactory(name=name, status=status, **kwargs)


def _applicant(db, name="Stadt Bewerbungshausen", approved=False):
    organisation = _organisation(name, S.APPLICANT)
    admin = factories.UserFactory(role="partner_admin", organisation=organisation, locale="en")
    factories.UserFactory(role="partner_editor", organisation=organisation)
    if approved:
        factories.ConceptFactory(organisation=organisation, status=SubmissionStatus.APPROVED)
    db.session.commit()
    return organisation, admin


def _with_submissions(organisation, cycles):
    """A submitted concept and one report per cycle: approved, then changes requested."""
    factories.ConceptFactory(organisation=organisation, status=SubmissionStatus.SUBMITTED)
    statuses = [SubmissionStatus.APPROVED, SubmissionStatus.CHANGES_REQUESTED]
    for cycle, status in zip(cycles, statuses, strict=False):
        factories.ReportFactory(organisation=organisation, cycle=cycle, status=status)


# --- the overview ----------------------------------------------------------------------------


def test_the_list_shows_status_number_open_submissions_and_last_report(client, cast, db, reviewer):
    cycle_2023 = factories.ReportingCycleFactory(year=2023)
    cycle_2024 = factories.ReportingCycleFactory(year=2024)
    # 2023 approved, 2024 changes requested: the last report is 2024, open are concept + 2024.
    _with_submissions(cast["org_a"], [cycle_2023, cycle_2024])
    _organisation("Verband Bewerbung", S.APPLICANT, sector=Sector.ASSOCIATION, kreis="Köln")
    db.session.commit()

    page = client.get(NETWORK).get_data(as_text=True)

    rows = {row[0]: row for row in _rows(page)}
    assert rows["Organisation A"][1:] == [
        "Active partner",
        "1",
        "Public authority",
        "Kreis Minden-Lübbecke",
        "2",
        "2024: Changes requested",
    ]
    assert rows["Organisation B"][5:] == ["0", "none yet"]
    assert rows["Verband Bewerbung"][1:6] == ["Applicant", "–", "Association", "Köln", "0"]
    assert f'href="/organisationen/{cast["org_a"].id}"' in page
    assert 'href="/ministerium/netzwerk/neu"' in page


def test_counts_per_status_link_to_the_filtered_list(client, cast, db, reviewer):
    _organisation("Aktiv Drei")
    _organisation("Bewerbung Eins", S.APPLICANT)
    _organisation("Bewerbung Zwei", S.APPLICANT)
    _organisation("Abgelehnt", S.DECLINED)
    _organisation("Ruht", S.PAUSED)
    db.session.commit()

    page = client.get(NETWORK).get_data(as_text=True)
    assert "All: 7 organisations" in page
    assert (
        '<a class="kern-link" href="/ministerium/netzwerk?status=active">3 active partners</a>'
        in page
    )
    assert (
        '<a class="kern-link" href="/ministerium/netzwerk?status=applicant">2 applications</a>'
        in page
    )
    assert "1 paused partnership<" in page
    assert "1 declined application<" in page
    # No link to an empty list.
    assert "0 ended partnerships" in page
    assert "status=left" not in page

    page = client.get(f"{NETWORK}?status=applicant").get_data(as_text=True)
    assert _names(page) == ["Bewerbung Eins", "Bewerbung Zwei"]
    assert "2 applications</strong> (shown)" in page
    assert "2 organisations found" in page


def test_counts_follow_the_search_but_not_the_status_filter(client, cast, db, reviewer):
    _organisation("Stadt Alpha", S.APPLICANT)
    _organisation("Stadt Beta")
    db.session.commit()
    page = client.get(f"{NETWORK}?q=stadt&status=active").get_data(as_text=True)
    assert _names(page) == ["Stadt Beta"]
    assert "All: 2 organisations" in page
    # The links keep the search and change only the status.
    assert 'href="/ministerium/netzwerk?status=applicant&amp;q=stadt"' in page or (
        'href="/ministerium/netzwerk?q=stadt&amp;status=applicant"' in page
    )


def test_search_by_name_ignores_case_and_takes_wildcards_literally(client, cast, db, reviewer):
    _organisation("Kreis Lippe")
    _organisation("Lippe-Verband 100% Vielfalt", sector=Sector.ASSOCIATION)
    db.session.commit()
    assert _names(client.get(f"{NETWORK}?q=LIPPE").get_data(as_text=True)) == [
        "Kreis Lippe",
        "Lippe-Verband 100% Vielfalt",
    ]
    assert _names(client.get(f"{NETWORK}?q=100%25").get_data(as_text=True)) == [
        "Lippe-Verband 100% Vielfalt"
    ]
    assert _names(client.get(f"{NETWORK}?q=_").get_data(as_text=True)) == []


def test_filters_by_status_sector_and_regierungsbezirk(client, cast, db, reviewer):
    _organisation("Firma Köln", sector=Sector.COMPANY, kreis="Köln", regierungsbezirk="Köln")
    _organisation(
        "Firma Münster",
        S.APPLICANT,
        sector=Sector.COMPANY,
        kreis="Münster",
        regierungsbezirk="Münster",
    )
    db.session.commit()
    assert _names(client.get(f"{NETWORK}?sector=company").get_data(as_text=True)) == [
        "Firma Köln",
        "Firma Münster",
    ]
    assert _names(client.get(f"{NETWORK}?regierungsbezirk=Köln").get_data(as_text=True)) == [
        "Firma Köln"
    ]
    assert _names(
        client.get(f"{NETWORK}?sector=company&status=applicant").get_data(as_text=True)
    ) == ["Firma Münster"]
    assert _names(client.get(f"{NETWORK}?regierungsbezirk=Detmold").get_data(as_text=True)) == [
        "Organisation A",
        "Organisation B",
    ]


def test_an_unknown_filter_value_is_explained_and_ignored(client, cast, db, reviewer):
    response = client.get(f"{NETWORK}?status=sleeping&sort=chaos")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Choose one of the options in the list." in page
    assert _names(page) == ["Organisation A", "Organisation B"]


def test_sort_by_name_member_number_and_status_change(client, cast, db, reviewer):
    from datetime import datetime

    cast["org_a"].status_changed_at = datetime(2024, 5, 1)
    cast["org_b"].status_changed_at = datetime(2025, 1, 1)
    _organisation("aachener Bewerbung", S.APPLICANT, status_changed_at=datetime(2023, 1, 1))
    _organisation("Zeche Zollverein", member_number=7, status_changed_at=datetime(2025, 6, 1))
    db.session.commit()
    assert _names(client.get(NETWORK).get_data(as_text=True)) == [
        "aachener Bewerbung",
        "Organisation A",
        "Organisation B",
        "Zeche Zollverein",
    ]
    # Applicants have no number: they come last.
    assert _names(client.get(f"{NETWORK}?sort=member_number").get_data(as_text=True)) == [
        "Organisation A",
        "Organisation B",
        "Zeche Zollverein",
        "aachener Bewerbung",
    ]
    assert _names(client.get(f"{NETWORK}?sort=status_changed").get_data(as_text=True)) == [
        "Zeche Zollverein",
        "Organisation B",
        "Organisation A",
        "aachener Bewerbung",
    ]


def test_pagination_25_per_page_keeps_search_and_sort(client, cast, db, reviewer):
    for n in range(30):
        _organisation(f"Netzwerk {n:02d}")
    db.session.commit()
    page = client.get(f"{NETWORK}?q=netzwerk&sort=member_number").get_data(as_text=True)
    assert _names(page) == [f"Netzwerk {n:02d}" for n in range(25)]
    assert "30 organisations found" in page
    assert "Showing 1 to 25 of 30" in page
    assert "/ministerium/netzwerk?page=2&amp;q=netzwerk&amp;sort=member_number" in page

    page = client.get(f"{NETWORK}?page=2&q=netzwerk&sort=member_number").get_data(as_text=True)
    assert _names(page) == [f"Netzwerk {n:02d}" for n in range(25, 30)]


def test_an_empty_result_says_so_and_offers_to_reset(client, cast, db, reviewer):
    page = client.get(f"{NETWORK}?q=Gibtesnicht").get_data(as_text=True)
    assert "No organisation matches your search and filters." in page
    assert '<a class="kern-link" href="/ministerium/netzwerk">Reset the filters' in page
    assert _rows(page) == []
    page = client.get(f"{NETWORK}?page=99").get_data(as_text=True)
    assert "No organisation matches your search and filters." in page


def _network_of(db, size: int, cycles) -> None:
    start = db.session.scalar(select(func.count(Organisation.id)))
    for n in range(start, start + size):
        status = S.APPLICANT if n % 3 == 0 else S.ACTIVE
        organisation = _organisation(f"Skala {n:03d}", status)
        factories.UserFactory(role="partner_admin", organisation=organisation)
        _with_submissions(organisation, cycles)
    db.session.commit()


@pytest.mark.parametrize("query", ["", "?sort=member_number&sector=authority", "?status=active"])
def test_the_list_runs_the_same_number_of_queries_for_10_times_the_organisations(
    client, cast, db, reviewer, count_queries, query
):
    cycles = [
        factories.ReportingCycleFactory(year=2023),
        factories.ReportingCycleFactory(year=2024),
    ]
    _network_of(db, 3, cycles)
    with count_queries() as small:
        assert client.get(NETWORK + query).status_code == 200
    _network_of(db, 27, cycles)  # 3 + 27 = 30 organisations of the kind, 10 times as many
    with count_queries() as large:
        page = client.get(NETWORK + query).get_data(as_text=True)
    assert len(_rows(page)) > 3
    assert small.count == large.count
    print(f"network list {query or '(no filter)'}: {small.count} SQL statements at N and 10×N")


# --- the organisation page and its history ----------------------------------------------------


REQUIRED_ACTIONS = (
    "application_received",
    "user_invited",
    "user_created",
    "agreement_recorded",
    "partnership_pause",
    "partnership_resume",
    "partnership_end",
    "partnership_decline",
    "organisation_created",
    "profile_updated",
    "role_changed",
    "user_deactivated",
    "user_reactivated",
    "submit",
    "withdraw",
    "approve",
    "request_changes",
    "reopen",
    "comment_added",
    "concept_amended",
)


def test_every_required_action_has_a_label(app):
    labels = [action_label(action) for action in REQUIRED_ACTIONS]
    assert all(action in ACTION_LABELS for action in REQUIRED_ACTIONS)
    assert all(
        text and text != action for text, action in zip(labels, REQUIRED_ACTIONS, strict=True)
    )
    assert len(set(labels)) == len(labels)
    assert action_label("something_new") == "something_new"


def test_history_says_who_did_what_in_words(client, cast, db, reviewer):
    organisation = cast["org_a"]
    concept = factories.ConceptFactory(organisation=organisation, version_number=2)
    report = factories.ReportFactory(
        organisation=organisation, cycle=factories.ReportingCycleFactory(year=2024)
    )
    db.session.flush()
    audit.record(
        "partnership_pause",
        organisation,
        actor=cast["reviewer"],
        organisation_id=organisation.id,
        from_state="active",
        to_state="paused",
        comment="Umstrukturierung der Verwaltung",
        effective_on="2026-12-01",
    )
    audit.record("submit", concept, actor=cast["admin_a"], from_state="draft", to_state="submitted")
    audit.record(
        "approve", report, actor=cast["reviewer"], from_state="submitted", to_state="approved"
    )
    audit.record(
        "role_changed", cast["editor_a"], actor=cast["admin_a"], organisation_id=organisation.id
    )
    audit.record("something_new", organisation, organisation_id=organisation.id)
    audit.record("login", cast["admin_a"], actor=cast["admin_a"], organisation_id=organisation.id)
    db.session.commit()

    page = client.get(f"{NETWORK}/{organisation.id}/verlauf").get_data(as_text=True)
    rows = _rows(page, "history-caption")
    assert len(rows) == 5  # the login is left out
    texts = [" | ".join(row[1:]) for row in rows]
    reviewer_name, admin_name = cast["reviewer"].name, cast["admin_a"].name
    # Newest first; an unknown action is shown by its key; no actor says so.
    assert texts == [
        "no person (automatic or not logged in) | something_new Organisation |  | ",
        f"{admin_name} | Role changed Account of {cast['editor_a'].name} |  | ",
        f"{reviewer_name} (ministry) | Approved Annual report 2024 | Submitted → to Approved | ",
        f"{admin_name} | Submitted Concept, version 2 | Draft → to Submitted | ",
        f"{reviewer_name} (ministry) | Partnership paused Organisation effective from Dec 1, 2026"
        " | Active partner → to Partnership paused | Umstrukturierung der Verwaltung",
    ]
    assert '<span aria-hidden="true">→</span><span class="kern-sr-only">to</span>' in page


def test_history_is_paginated_and_the_page_shows_the_latest_20(client, cast, db, reviewer):
    organisation = cast["org_a"]
    for n in range(30):
        audit.record(
            "profile_updated",
            organisation,
            actor=cast["admin_a"],
            organisation_id=organisation.id,
            comment=f"Änderung {n:02d}",
        )
        db.session.flush()
    db.session.commit()

    page = client.get(f"/organisationen/{organisation.id}").get_data(as_text=True)
    rows = _rows(page, "table-history")
    assert len(rows) == 20
    assert rows[0][-1] == "Änderung 29"  # newest first
    assert rows[-1][-1] == "Änderung 10"
    assert f'href="/ministerium/netzwerk/{organisation.id}/verlauf">Show the whole history' in page

    page = client.get(f"{NETWORK}/{organisation.id}/verlauf").get_data(as_text=True)
    assert [row[-1] for row in _rows(page, "history-caption")] == [
        f"Änderung {n:02d}" for n in range(29, 4, -1)
    ]
    assert "30 entries" in page
    page = client.get(f"{NETWORK}/{organisation.id}/verlauf?page=2").get_data(as_text=True)
    assert [row[-1] for row in _rows(page, "history-caption")] == [
        f"Änderung {n:02d}" for n in range(4, -1, -1)
    ]


def test_history_of_an_unknown_organisation_is_404(client, cast, reviewer):
    assert client.get(f"{NETWORK}/99999/verlauf").status_code == 404


@pytest.fixture
def internal_matters(cast, db):
    """Organisation A with internal notes and a change request with an internal comment."""
    organisation = cast["org_a"]
    organisation.internal_notes = "Geheime Notiz zur Förderung"
    concept = factories.ConceptFactory(organisation=organisation, status=SubmissionStatus.SUBMITTED)
    db.session.commit()
    apply_transition(
        concept,
        "request_changes",
        cast["reviewer"],
        "Nur intern: Budget prüfen",
        internal_comment=True,
    )
    return organisation


def test_the_ministry_sees_internal_notes_and_internal_comments_marked(
    client, cast, db, reviewer, internal_matters
):
    page = client.get(f"/organisationen/{internal_matters.id}").get_data(as_text=True)
    assert "Internal notes (ministry only)" in page
    assert "Geheime Notiz zur Förderung" in page
    [row] = _rows(page, "table-history")
    assert row[2] == "Changes requested Concept, version 1"
    assert row[4] == "internal Nur intern: Budget prüfen"


@pytest.mark.parametrize("role", ["admin_a", "editor_a"])
def test_a_partner_never_sees_the_history_or_internal_matters_of_the_own_organisation(
    client, cast, db, login_as, internal_matters, role
):
    _in_english(db, cast[role])
    login_as(cast[role])
    response = client.get(f"/organisationen/{internal_matters.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Organisation A" in page
    assert "Geheime Notiz" not in page
    assert "Nur intern" not in page
    assert "Budget" not in page
    assert "Internal notes" not in page
    assert ">History<" not in page
    assert "/verlauf" not in page
    assert "table-history" not in page
    assert client.get(f"{NETWORK}/{internal_matters.id}/verlauf").status_code == 403


def test_the_page_shows_people_concept_versions_and_reports(client, cast, db, reviewer):
    organisation = cast["org_a"]
    factories.ConceptFactory(organisation=organisation, version_number=1, status="approved")
    factories.ConceptFactory(organisation=organisation, version_number=2, status="draft")
    factories.ReportFactory(
        organisation=organisation,
        cycle=factories.ReportingCycleFactory(year=2024),
        status=SubmissionStatus.SUBMITTED,
    )
    factories.UserFactory(
        role="partner_editor", organisation=organisation, name="Neue Kollegin", password_hash=None
    )
    db.session.commit()
    page = client.get(f"/organisationen/{organisation.id}").get_data(as_text=True)
    assert [row[:2] for row in _rows(page, "table-1")] == [
        ["2", "Draft"],
        ["1 (in force)", "Approved"],
    ]
    assert [row[:2] for row in _rows(page, "table-reports")] == [["2024", "Submitted"]]
    people = {row[0]: row[-1] for row in _rows(page, "table-2")}
    assert people["Neue Kollegin"] == "invited, password not set yet"
    assert people[cast["admin_a"].name] == "active"


def _grow(organisation, db, users: int, concepts: int, reports: int, history: int, actor):
    for _ in range(users):
        factories.UserFactory(role="partner_editor", organisation=organisation)
    first_version = 1 + db.session.scalar(
        select(func.count(Concept.id)).where(Concept.organisation_id == organisation.id)
    )
    for n in range(concepts):
        concept = factories.ConceptFactory(
            organisation=organisation, version_number=first_version + n, status="approved"
        )
        factories.MeasureFactory(concept=concept)
        factories.MeasureFactory(concept=concept)
    for _ in range(reports):
        factories.ReportFactory(organisation=organisation, status=SubmissionStatus.SUBMITTED)
    for n in range(history):
        audit.record(
            "comment_added",
            organisation,
            actor=actor,
            organisation_id=organisation.id,
            comment=f"Kommentar {n}",
        )
    db.session.commit()


@pytest.mark.parametrize("viewer", ["reviewer", "admin_a"])
def test_the_organisation_page_runs_the_same_number_of_queries_as_it_grows(
    client, cast, db, login_as, count_queries, viewer
):
    _in_english(db, cast[viewer])
    login_as(cast[viewer])
    organisation = cast["org_a"]
    _grow(organisation, db, users=1, concepts=1, reports=1, history=3, actor=cast["admin_a"])
    with count_queries() as small:
        assert client.get(f"/organisationen/{organisation.id}").status_code == 200
    _grow(organisation, db, users=10, concepts=9, reports=9, history=60, actor=cast["reviewer"])
    with count_queries() as large:
        page = client.get(f"/organisationen/{organisation.id}").get_data(as_text=True)
    assert len(_rows(page, "table-reports")) == 10
    assert small.count == large.count
    print(f"organisation page for {viewer}: {small.count} SQL statements, small and 10× larger")


def test_the_history_page_runs_the_same_number_of_queries(
    client, cast, db, reviewer, count_queries
):
    organisation = cast["org_a"]
    _grow(organisation, db, users=1, concepts=1, reports=1, history=3, actor=cast["admin_a"])
    with count_queries() as small:
        client.get(f"{NETWORK}/{organisation.id}/verlauf")
    _grow(organisation, db, users=10, concepts=10, reports=10, history=60, actor=cast["reviewer"])
    with count_queries() as large:
        client.get(f"{NETWORK}/{organisation.id}/verlauf")
    assert small.count == large.count
    print(f"history page: {small.count} SQL statements, small and 10× larger")


# --- creating an organisation ----------------------------------------------------------------


def _new_organisation(**overrides):
    data = {
        "name": "Stadt Beispielhausen",
        "sector": "authority",
        "kreis": "Bielefeld",
        "website": "www.beispielhausen.de",
        "street": "Rathausplatz 1",
        "postcode": "33602",
        "city": "Bielefeld",
        "contact_name": "Erika Muster",
        "contact_email": "Erika.Muster@Beispielhausen.de",
    }
    data.update(overrides)
    return data


def test_the_ministry_creates_an_organisation_and_invites_its_contact_person(
    client, cast, db, reviewer, outbox
):
    response = client.post(f"{NETWORK}/neu", data=_new_organisation())
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.name == "Stadt Beispielhausen")
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/organisationen/{organisation.id}")
    assert organisation.status == S.APPLICANT
    assert organisation.member_number is None
    assert (organisation.kreis, organisation.regierungsbezirk) == ("Bielefeld", "Detmold")
    assert organisation.slug == "stadt-beispielhausen"
    assert organisation.website == "https://www.beispielhausen.de"
    assert (organisation.street, organisation.postcode) == ("Rathausplatz 1", "33602")

    contact = db.session.scalar(select(User).where(User.organisation_id == organisation.id))
    assert contact.email == "erika.muster@beispielhausen.de"
    assert contact.role == Role.PARTNER_ADMIN
    assert contact.password_hash is None  # sets it through the invitation

    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.organisation_id == organisation.id)
    ).all()
    assert {(e.action, e.actor_id) for e in entries} == {
        ("organisation_created", cast["reviewer"].id),
        ("user_invited", cast["reviewer"].id),
    }
    [mail] = outbox()
    assert mail.recipient == "erika.muster@beispielhausen.de"
    assert "Stadt Beispielhausen" in mail.body
    assert "/einladung/" in mail.body

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Stadt Beispielhausen is created as an applicant" in page
    assert "Erika Muster has been invited by e-mail" in page
    assert "Organisation created by the ministry" in page  # in the history


BAD_INPUT = [
    ("name", "", "Please enter the name of the organisation."),
    ("name", "organisation a", "An organisation with this name already exists."),
    ("name", "  ORGANISATION B ", "An organisation with this name already exists."),
    ("name", "x" * 201, "Enter at most 200 characters."),
    ("sector", "", "Please choose the sector."),
    ("sector", "church", "Choose one of the options in the list."),
    ("kreis", "", "Please choose the Kreis or kreisfreie Stadt."),
    ("kreis", "Atlantis", "Choose one of the options in the list."),
    ("website", "javascript:alert(1)", "Enter the address of the website"),
    ("website", "beispiel", "Enter the address of the website"),
    ("street", "x" * 201, "Enter at most 200 characters."),
    ("postcode", "ABCDE", "Enter the postcode as five digits"),
    ("city", "x" * 101, "Enter at most 100 characters."),
    ("contact_name", " ", "Please enter the name of the contact person."),
    ("contact_name", "x" * 201, "Enter at most 200 characters."),
    ("contact_email", "", "Please enter the e-mail address of the contact person."),
    ("contact_email", "keine-adresse", "Enter an e-mail address in the correct format"),
    ("contact_email", "x" * 250 + "@x.de", "Enter at most 254 characters."),
    ("contact_email", "TAKEN", "There is already an account with this e-mail address."),
]


@pytest.mark.parametrize(
    ("field", "value", "message"), BAD_INPUT, ids=[f"{f}-{m[:20]}" for f, _v, m in BAD_INPUT]
)
def test_bad_input_is_explained_at_the_field_and_kept(
    client, cast, db, reviewer, outbox, field, value, message
):
    if value == "TAKEN":
        value = cast["admin_b"].email.upper()
    response = client.post(f"{NETWORK}/neu", data=_new_organisation(**{field: value}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in _field_error(page, field)
    assert 'id="error-summary"' in page
    assert f'href="#{field}"' in page
    # What was typed stays.
    for other, kept in (("contact_name", "Erika Muster"), ("street", "Rathausplatz 1")):
        if other != field:
            assert f'value="{kept}"' in page
    if field not in ("sector", "kreis"):
        assert '<option selected value="Bielefeld">' in page
    assert db.session.scalar(select(func.count(Organisation.id))) == 2
    assert outbox() == []


def test_script_in_the_name_is_shown_as_text(client, cast, db, reviewer):
    script = '<script>alert("x")</script> e.V.'
    response = client.post(f"{NETWORK}/neu", data=_new_organisation(name=script, contact_email=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(" in page

    response = client.post(f"{NETWORK}/neu", data=_new_organisation(name=script))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(" in page
    page = client.get(NETWORK).get_data(as_text=True)
    assert "<script>alert" not in page


def test_service_refuses_a_name_taken_meanwhile_and_saves_nothing(db, cast, outbox):
    with pytest.raises(network_services.OrganisationRefused):
        network_services.create_organisation(
            name="Organisation A",
            sector="company",
            kreis="Köln",
            contact_name="Max Muster",
            contact_email="max@example.org",
            actor=cast["reviewer"],
        )
    assert db.session.scalar(select(func.count(Organisation.id))) == 2
    assert db.session.scalar(select(User).where(User.email == "max@example.org")) is None
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0
    assert outbox() == []


def test_a_name_taken_between_check_and_save_is_a_conflict_that_keeps_the_input(
    client, cast, db, reviewer, monkeypatch, outbox
):
    monkeypatch.setattr("portal.network.forms.name_taken", lambda name, exclude_id=None: False)
    response = client.post(f"{NETWORK}/neu", data=_new_organisation(name="Organisation A"))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "In the meantime, an organisation with this name" in page
    assert 'value="Erika Muster"' in page
    assert outbox() == []


# --- declining an application ----------------------------------------------------------------


def test_declining_an_application_records_it_and_tells_the_partner_admins(db, cast, outbox):
    organisation, admin = _applicant(db)
    change_partnership(
        organisation,
        "decline",
        reason="Das Konzept passt nicht zur Initiative.",
        actor=cast["reviewer"],
    )
    db.session.expire_all()
    declined = db.session.get(Organisation, organisation.id)
    assert declined.status == S.DECLINED
    assert declined.member_number is None
    assert declined.status_reason == "Das Konzept passt nicht zur Initiative."
    entry = db.session.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.from_state, entry.to_state, entry.actor_id) == (
        "partnership_decline",
        "applicant",
        "declined",
        cast["reviewer"].id,
    )
    assert entry.comment == "Das Konzept passt nicht zur Initiative."
    assert entry.data["effective_on"] == date.today().isoformat()
    [message] = outbox()  # the partner admin, not the editor
    assert message.recipient == admin.email
    assert "declined" in message.subject
    assert "Stadt Bewerbungshausen" in message.body
    assert "Das Konzept passt nicht zur Initiative." in message.body


def test_a_decline_needs_a_reason(db, cast, outbox):
    organisation, _admin = _applicant(db)
    with pytest.raises(PartnershipRefused):
        change_partnership(organisation, "decline", reason="   ", actor=cast["reviewer"])
    db.session.rollback()
    assert db.session.get(Organisation, organisation.id).status == S.APPLICANT
    assert outbox() == []
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


@pytest.mark.parametrize("status", [S.ACTIVE, S.PAUSED, S.LEFT, S.DECLINED])
def test_only_applications_can_be_declined(db, cast, outbox, status):
    organisation = cast["org_a"]
    organisation.status = status
    db.session.commit()
    with pytest.raises(PartnershipRefused):
        change_partnership(organisation, "decline", reason="Grund", actor=cast["reviewer"])
    db.session.rollback()
    assert db.session.get(Organisation, organisation.id).status == status
    assert outbox() == []


def test_a_declined_organisation_cannot_be_given_an_agreement(client, db, cast, reviewer):
    organisation, _admin = _applicant(db, approved=True)
    change_partnership(organisation, "decline", reason="Grund", actor=cast["reviewer"])
    with pytest.raises(PartnershipRefused):
        check_agreement_allowed(organisation)
    page = client.get(f"/organisationen/{organisation.id}/vereinbarung").get_data(as_text=True)
    assert "An agreement can only be recorded for an applicant." in page
    response = client.post(f"/organisationen/{organisation.id}/vereinbarung", data={})
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Organisation, organisation.id).member_number is None


def test_the_ministry_declines_through_the_page(client, db, cast, reviewer, outbox):
    organisation, admin = _applicant(db)
    page = client.get(f"/organisationen/{organisation.id}").get_data(as_text=True)
    assert f'href="/organisationen/{organisation.id}/status">Decline the application' in page

    page = client.get(f"/organisationen/{organisation.id}/status").get_data(as_text=True)
    assert '<h1 class="kern-heading-large">Decline the application</h1>' in page
    assert re.search(r'checked[^>]*value="decline"|value="decline"[^>]*checked', page)
    assert 'value="pause"' not in page
    assert 'name="effective_on"' not in page

    response = client.post(
        f"/organisationen/{organisation.id}/status",
        data={"action": "decline", "reason": "Keine Kapazitäten für die Umsetzung."},
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The application of Stadt Bewerbungshausen is declined." in page
    assert "Application declined" in page
    assert "Keine Kapazitäten für die Umsetzung." in page
    assert [m.recipient for m in outbox()] == [admin.email]
    # It has left the list of applications.
    page = client.get(f"{NETWORK}?status=applicant").get_data(as_text=True)
    assert "Stadt Bewerbungshausen" not in _names(page)
    page = client.get(f"{NETWORK}?status=declined").get_data(as_text=True)
    assert _names(page) == ["Stadt Bewerbungshausen"]


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "Please give a reason."), ("  ", "Please give a reason."), ("x" * 2001, "2000")],
)
def test_the_decline_page_explains_a_missing_or_long_reason(
    client, db, cast, reviewer, reason, message
):
    organisation, _admin = _applicant(db)
    response = client.post(
        f"/organisationen/{organisation.id}/status", data={"action": "decline", "reason": reason}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in _field_error(page, "reason")
    assert 'id="error-summary"' in page
    db.session.expire_all()
    assert db.session.get(Organisation, organisation.id).status == S.APPLICANT


def test_declining_twice_or_a_partner_is_a_conflict(client, db, cast, reviewer, outbox):
    organisation, _admin = _applicant(db)
    change_partnership(organisation, "decline", reason="Grund", actor=cast["reviewer"])
    for target in (organisation, cast["org_a"]):
        response = client.post(
            f"/organisationen/{target.id}/status", data={"action": "decline", "reason": "Nochmal"}
        )
        assert response.status_code == 409
        assert "This step is not possible now" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organisation, cast["org_a"].id).status == S.ACTIVE
    assert len(outbox()) == 1


def test_the_applicant_sees_no_decline_button_and_later_the_reason(client, db, cast, login_as):
    organisation, admin = _applicant(db)
    login_as(admin)
    page = client.get(f"/organisationen/{organisation.id}").get_data(as_text=True)
    assert "Decline the application" not in page
    assert "/status" not in page
    change_partnership(organisation, "decline", reason="Nicht passend.", actor=cast["reviewer"])
    page = client.get(f"/organisationen/{organisation.id}").get_data(as_text=True)
    assert "The ministry has declined the application of your organisation." in page
    assert "Nicht passend." in page
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1
