"""The members' area: directory with search, filters and contact choices, "find peers", and the
good-practice library with stop-sharing. Members only, a fixed number of SQL queries per page."""

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from portal.models import (
    AuditEntry,
    FieldOfAction,
    Measure,
    MeasureStatus,
    OrganisationStatus,
    Report,
    Sector,
    SubmissionStatus,
)
from tests import factories

pytestmark = pytest.mark.db


def _fields(db):
    return db.session.scalars(select(FieldOfAction).order_by(FieldOfAction.position)).all()


def _member(db, name, fields, *, titles=None, status=OrganisationStatus.ACTIVE, **kwargs):
    """An organisation with an approved concept whose measures cover `fields`."""
    organisation = factories.OrganisationFactory(name=name, status=status, **kwargs)
    concept = factories.ConceptFactory(
        organisation=organisation,
        status=SubmissionStatus.APPROVED,
        approved_at=datetime(2025, 1, 1),
    )
    for position, field in enumerate(fields):
        factories.MeasureFactory(
            concept=concept,
            field_of_action=field,
            position=position,
            title=(titles or {}).get(position, f"{name}: Maßnahme {position}"),
        )
    return organisation


def _page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, f"{url}: {response.status_code}"
    return response.get_data(as_text=True)


def _directory_names(html: str) -> list[str]:
    return re.findall(r'<a class="kern-link" href="/austausch/verzeichnis/\d+">([^<]+)</a>', html)


@pytest.fixture
def network(db, cast):
    fields = _fields(db)
    orgs = {
        "koeln": _member(
            db,
            "Caritas Köln",
            fields[:2],
            titles={0: "Mentoring für Auszubildende"},
            sector=Sector.ASSOCIATION,
            kreis="Köln",
            regierungsbezirk="Köln",
            description="Wohlfahrtsverband mit Pflegediensten.",
        ),
        "detmold": _member(db, "Stadt Detmold", fields[1:3], regierungsbezirk="Detmold"),
        "far": _member(db, "Firma Fern", fields[5:6], sector=Sector.COMPANY),
        "paused": _member(db, "Pausierte GmbH", fields[:2], status=OrganisationStatus.PAUSED),
        "applicant": _member(
            db, "Bewerbung e. V.", fields[:2], status=OrganisationStatus.APPLICANT
        ),
    }
    db.session.commit()
    return {"fields": fields, **orgs}


def test_the_directory_lists_active_partners_only(client, cast, login_as, network):
    login_as(cast["editor_a"])
    names = _directory_names(_page(client, "/austausch/verzeichnis"))
    assert "Caritas Köln" in names and "Stadt Detmold" in names
    assert "Pausierte GmbH" not in names and "Bewerbung e. V." not in names
    assert names == sorted(names, key=str.lower)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=mentoring", ["Caritas Köln"]),  # a measure's title
        ("q=pflegedienst", ["Caritas Köln"]),  # the description
        ("q=DETMOLD", ["Stadt Detmold"]),  # the name, any case
        ("sector=company", ["Firma Fern"]),
        ("regierungsbezirk=Detmold", None),  # checked below: only Detmold's
        ("q=100%25", []),  # LIKE wildcards are plain characters
    ],
)
def test_search_and_filters(client, cast, login_as, network, query, expected):
    login_as(cast["admin_a"])
    names = _directory_names(_page(client, f"/austausch/verzeichnis?{query}"))
    if expected is None:
        assert "Stadt Detmold" in names and "Caritas Köln" not in names
    else:
        assert names == expected


def test_filter_by_field_of_action(client, cast, login_as, network):
    login_as(cast["reviewer"])
    third = network["fields"][2]
    names = _directory_names(_page(client, f"/austausch/verzeichnis?field_of_action={third.id}"))
    assert names == ["Stadt Detmold"]


def test_bad_filters_are_explained_never_a_500(client, cast, login_as, network):
    login_as(cast["admin_a"])
    html = _page(client, "/austausch/verzeichnis?q=" + "x" * 201 + "&sector=pirates")
    assert "Enter at most 200 characters" in html or "höchstens 200 Zeichen" in html
    assert "Caritas Köln" in html  # invalid filters narrow nothing
    html = _page(client, "/austausch/verzeichnis?page=999")
    assert "past the end" in html or "hinter dem Ende" in html
    html = _page(client, "/austausch/verzeichnis?field_of_action=abc&page=-3")
    assert "Caritas Köln" in html


def test_contact_details_as_each_person_chose(client, cast, login_as, network, db):
    factories.UserFactory(
        organisation=network["koeln"],
        role="partner_admin",
        name="Aylin Demir",
        email="aylin@caritas.example.org",
        phone="0221 123",
        is_contact_person=True,
        directory_shows_email=True,
        directory_shows_phone=False,
    )
    factories.UserFactory(
        organisation=network["koeln"],
        name="Nicht Kontakt",
        email="versteckt@caritas.example.org",
        is_contact_person=False,
    )
    db.session.commit()
    login_as(cast["admin_b"])
    html = _page(client, f"/austausch/verzeichnis/{network['koeln'].id}")
    assert "Aylin Demir" in html
    assert "aylin@caritas.example.org" in html
    assert "0221 123" not in html
    assert "versteckt@caritas.example.org" not in html and "Nicht Kontakt" not in html


def test_user_text_is_escaped(client, cast, login_as, db):
    factories.OrganisationFactory(
        name="<script>alert(1)</script> GmbH", description='<img src=x onerror="alert(2)">'
    )
    db.session.commit()
    login_as(cast["admin_a"])
    html = _page(client, "/austausch/verzeichnis")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "<img src=x" not in html


def test_directory_queries_do_not_grow_with_the_data(client, cast, login_as, db, count_queries):
    fields = _fields(db)
    login_as(cast["admin_a"])

    def add(n):
        for i in range(n):
            organisation = _member(db, f"Partner {i:04d} {n}", fields[i % 4 : i % 4 + 3])
            factories.UserFactory(organisation=organisation, is_contact_person=True)
        db.session.commit()

    add(5)
    with count_queries() as small:
        _page(client, "/austausch/verzeichnis?q=Partner")
    add(45)
    with count_queries() as large:
        _page(client, "/austausch/verzeichnis?q=Partner")
    assert small.count == large.count, (small.count, large.count)


def test_find_peers_on_the_own_page_most_overlap_first(client, cast, login_as, network, db):
    fields = network["fields"]
    mine = cast["org_a"]
    concept = factories.ConceptFactory(organisation=mine, status=SubmissionStatus.APPROVED)
    for field in fields[:3]:
        factories.MeasureFactory(concept=concept, field_of_action=field)
    db.session.commit()
    login_as(cast["editor_a"])
    html = _page(client, f"/austausch/verzeichnis/{mine.id}")
    section = html.split('id="peers"')[1]
    peers = re.findall(r'href="/austausch/verzeichnis/\d+">([^<]+)</a>', section)
    # Köln shares fields 1 and 2, Detmold 2 and 3: two each, by name; Fern shares none;
    # paused partners and applicants are no peers.
    assert peers == ["Caritas Köln", "Stadt Detmold"]
    assert "2 gemeinsame Handlungsfelder" in section
    # Someone else's page shows no peers block.
    other = _page(client, f"/austausch/verzeichnis/{network['koeln'].id}")
    assert 'id="peers"' not in other


@pytest.mark.parametrize("role", ["anonymous", "applicant", "paused"])
def test_only_members_and_the_ministry_get_in(client, login_as, db, role, network):
    if role != "anonymous":
        organisation = network["applicant"] if role == "applicant" else network["paused"]
        user = factories.UserFactory(organisation=organisation, role="partner_admin")
        db.session.commit()
        login_as(user)
    for url in ("/austausch", "/austausch/verzeichnis", "/austausch/praxisbeispiele"):
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302 and "/anmelden" in response.headers["Location"]
        else:
            assert response.status_code == 403


def test_unknown_or_inactive_organisation_is_404(client, cast, login_as, network):
    login_as(cast["admin_a"])
    _page(client, "/austausch/verzeichnis/999999", status=404)
    _page(client, f"/austausch/verzeichnis/{network['paused'].id}", status=404)


# --- library ------------------------------------------------------------------------------------


@pytest.fixture
def library(db, network, cast):
    fields = network["fields"]
    koeln = network["koeln"]
    shared = db.session.scalar(
        select(Measure).where(Measure.title == "Mentoring für Auszubildende")
    )
    shared.share_as_good_practice = True
    # An older approved version of Detmold's concept: its shared measure is not in force.
    old = factories.ConceptFactory(
        organisation=network["detmold"], status=SubmissionStatus.APPROVED, version_number=7
    )
    factories.MeasureFactory(
        concept=old, field_of_action=fields[0], title="Alte Fassung", share_as_good_practice=True
    )
    newest = factories.ConceptFactory(
        organisation=network["detmold"], status=SubmissionStatus.APPROVED, version_number=8
    )
    factories.MeasureFactory(
        concept=newest,
        field_of_action=fields[3],
        title="Sprachlotsen im Bürgerbüro",
        share_as_good_practice=True,
    )
    paused_measure = db.session.scalar(
        select(Measure).where(Measure.title == "Pausierte GmbH: Maßnahme 0")
    )
    paused_measure.share_as_good_practice = True
    cycle = factories.ReportingCycleFactory(year=2024)
    story = factories.ReportFactory(
        organisation=koeln,
        cycle=cycle,
        status=SubmissionStatus.APPROVED,
        approved_at=datetime(2025, 6, 1),
        good_practice_story="Unser Tandem-Programm hat 12 Menschen begleitet.",
        share_story=True,
    )
    factories.ReportFactory(
        organisation=network["detmold"],
        cycle=cycle,
        status=SubmissionStatus.SUBMITTED,
        good_practice_story="Noch nicht freigegeben.",
        share_story=True,
    )
    progress_report = factories.ReportFactory(
        organisation=koeln,
        cycle=factories.ReportingCycleFactory(year=2023),
        status=SubmissionStatus.APPROVED,
    )
    db.session.flush()
    from portal.models import MeasureProgress

    db.session.add(
        MeasureProgress(
            report_id=progress_report.id,
            measure_id=shared.id,
            lineage_id=shared.lineage_id,
            status=MeasureStatus.COMPLETED,
            actual_value=14,
            narrative="Alle 14 Tandems abgeschlossen.",
        )
    )
    db.session.commit()
    return {"measure": shared, "story": story, **network}


def _library_titles(html: str) -> list[str]:
    return re.findall(
        r'href="/austausch/praxisbeispiele/(?:massnahmen|berichte)/\d+">([^<]+)</a>', html
    )


def test_the_library_shows_what_partners_share(client, cast, login_as, library):
    login_as(cast["admin_b"])
    titles = _library_titles(_page(client, "/austausch/praxisbeispiele"))
    assert "Mentoring für Auszubildende" in titles
    assert "Sprachlotsen im Bürgerbüro" in titles
    assert any("Caritas Köln" in title and "2024" in title for title in titles)
    assert "Alte Fassung" not in titles  # not in force any more
    assert "Pausierte GmbH: Maßnahme 0" not in titles  # not an active partner
    assert not any("Noch nicht" in title for title in titles)
    # Newest first: the story (approved June 2025) before the measures (January 2025).
    assert "2024" in titles[0]


def test_library_filter_and_search(client, cast, login_as, library):
    login_as(cast["reviewer"])
    fourth = library["fields"][3]
    titles = _library_titles(
        _page(client, f"/austausch/praxisbeispiele?field_of_action={fourth.id}")
    )
    assert titles == ["Sprachlotsen im Bürgerbüro"]
    titles = _library_titles(_page(client, "/austausch/praxisbeispiele?q=tandem"))
    assert len(titles) == 1 and "2024" in titles[0]


def test_library_queries_do_not_grow_with_the_data(
    client, cast, login_as, db, library, count_queries
):
    fields = library["fields"]
    login_as(cast["admin_a"])

    def add(n):
        for i in range(n):
            _member(db, f"Teilt {n}-{i}", fields[:2])
            for measure in db.session.scalars(
                select(Measure).where(Measure.title.like(f"Teilt {n}-{i}:%"))
            ):
                measure.share_as_good_practice = True
        db.session.commit()

    add(3)
    with count_queries() as small:
        _page(client, "/austausch/praxisbeispiele")
    add(30)
    with count_queries() as large:
        _page(client, "/austausch/praxisbeispiele")
    assert small.count == large.count, (small.count, large.count)


def test_an_entry_shows_results_and_a_contact(client, cast, login_as, library, db):
    factories.UserFactory(
        organisation=library["koeln"],
        name="Aylin Demir",
        is_contact_person=True,
        directory_shows_email=True,
        email="aylin@caritas.example.org",
    )
    db.session.commit()
    login_as(cast["admin_b"])
    html = _page(client, f"/austausch/praxisbeispiele/massnahmen/{library['measure'].id}")
    assert "Alle 14 Tandems abgeschlossen." in html
    assert "aylin@caritas.example.org" in html
    assert f"/austausch/verzeichnis/{library['koeln'].id}" in html
    assert "nicht-mehr-teilen" not in html  # not their own entry
    html = _page(client, f"/austausch/praxisbeispiele/berichte/{library['story'].id}")
    assert "Tandem-Programm" in html


def test_unshared_or_unknown_entries_are_404(client, cast, login_as, library, db):
    login_as(cast["admin_b"])
    old = db.session.scalar(select(Measure).where(Measure.title == "Alte Fassung"))
    _page(client, f"/austausch/praxisbeispiele/massnahmen/{old.id}", status=404)
    _page(client, "/austausch/praxisbeispiele/berichte/999999", status=404)


def test_a_partner_stops_sharing_and_the_entry_disappears_at_once(client, cast, auth, library, db):
    koeln = library["koeln"]
    editor = factories.UserFactory(organisation=koeln, role="partner_editor")
    stranger = cast["admin_b"]
    db.session.commit()
    measure_id, story_id = library["measure"].id, library["story"].id

    auth.login(stranger)
    assert (
        client.post(
            f"/austausch/praxisbeispiele/massnahmen/{measure_id}/nicht-mehr-teilen"
        ).status_code
        == 403
    )

    auth.logout()
    auth.login(editor)
    page = _page(client, f"/austausch/praxisbeispiele/massnahmen/{measure_id}")
    assert "nicht-mehr-teilen" in page
    response = client.post(f"/austausch/praxisbeispiele/massnahmen/{measure_id}/nicht-mehr-teilen")
    assert response.status_code == 302
    response = client.post(f"/austausch/praxisbeispiele/berichte/{story_id}/nicht-mehr-teilen")
    assert response.status_code == 302
    titles = _library_titles(_page(client, "/austausch/praxisbeispiele"))
    assert "Mentoring für Auszubildende" not in titles
    assert not any("2024" in title for title in titles)
    _page(client, f"/austausch/praxisbeispiele/massnahmen/{measure_id}", status=404)
    db.session.expire_all()
    assert db.session.get(Report, story_id).share_story is False
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action == "good_practice_unshared")
    ).all()
    assert len(actions) == 2
    # Twice is harmless: a message, no error.
    response = client.post(
        f"/austausch/praxisbeispiele/massnahmen/{measure_id}/nicht-mehr-teilen",
        follow_redirects=True,
    )
    assert response.status_code == 200


def test_pages_past_the_end_of_the_library(client, cast, login_as, library):
    login_as(cast["admin_a"])
    html = _page(client, "/austausch/praxisbeispiele?page=50")
    assert "past the end" in html or "hinter dem Ende" in html


def test_the_hub_links_the_parts_and_the_own_entry(client, cast, login_as):
    login_as(cast["admin_a"])
    html = _page(client, "/austausch")
    assert "/austausch/verzeichnis" in html and "/austausch/praxisbeispiele" in html
    assert "/austausch/forum" in html
    assert f"/austausch/verzeichnis/{cast['org_a'].id}" in html
    client.post("/abmelden")
    login_as(cast["reviewer"])
    assert "/austausch/verzeichnis/" not in _page(client, "/austausch").replace(
        'href="/austausch/verzeichnis"', ""
    )
