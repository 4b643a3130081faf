"""The public partner pages: the list "Wir sind Partner" with search, filters, sort and pages,
the public profile, and the open data export as CSV and JSON. Public fields only, never a 500 for
bad input, and a number of SQL queries that does not grow with the data."""

import csv
import io
import json
import re
from datetime import date

import pytest

from portal.models import FieldOfAction, OrganisationStatus, Sector, SubmissionStatus
from tests import factories

pytestmark = pytest.mark.db

SECRET = "GEHEIM-INTERN-4711"


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response.get_data(as_text=True)


def _table_names(html: str) -> list[str]:
    """Partner names in the order of the table rows."""
    return re.findall(r'<a class="kern-link" href="/partner/[^"]+">([^<]+)</a>', html)


@pytest.fixture
def network(db):
    """Three listed partners in different places, and organisations the public must not see."""
    orgs = {
        "stadt": factories.OrganisationFactory(
            name="Stadtverwaltung Bielefeld",
            slug="stadt-bielefeld",
            member_number=3,
            member_since=date(2021, 5, 1),
            kreis="Bielefeld",
            regierungsbezirk="Detmold",
            sector=Sector.AUTHORITY,
            website="https://www.bielefeld.example",
            description="Die Verwaltung der Stadt Bielefeld.",
            internal_notes=SECRET,
            status_reason=SECRET,
        ),
        "verein": factories.OrganisationFactory(
            name="Caritasverband Köln",
            slug="caritas-koeln",
            member_number=1,
            member_since=date(2019, 3, 1),
            kreis="Köln",
            regierungsbezirk="Köln",
            sector=Sector.ASSOCIATION,
        ),
        "firma": factories.OrganisationFactory(
            name="Adler Logistik GmbH",
            slug="adler-logistik",
            member_number=2,
            member_since=date(2023, 9, 6),
            kreis="Kreis Wesel",
            regierungsbezirk="Düsseldorf",
            sector=Sector.COMPANY,
        ),
        "applicant": factories.OrganisationFactory(
            name="Bewerber AG",
            slug="bewerber",
            status=OrganisationStatus.APPLICANT,
            member_number=None,
            member_since=None,
        ),
        "declined": factories.OrganisationFactory(
            name="Abgelehnt e. V.",
            slug="abgelehnt",
            status=OrganisationStatus.DECLINED,
            member_number=None,
            member_since=None,
        ),
        "left": factories.OrganisationFactory(
            name="Ausgetreten GmbH", slug="ausgetreten", status=OrganisationStatus.LEFT
        ),
        "paused": factories.OrganisationFactory(
            name="Pausiert GmbH", slug="pausiert", status=OrganisationStatus.PAUSED
        ),
        "hidden": factories.OrganisationFactory(
            name="Versteckt GmbH", slug="versteckt", show_in_public_list=False
        ),
    }
    factories.UserFactory(
        organisation=orgs["stadt"], email="kontakt@bielefeld.example", name="Erika Kontakt"
    )
    db.session.commit()
    return orgs


HIDDEN_NAMES = ["Bewerber AG", "Abgelehnt e. V.", "Ausgetreten GmbH", "Pausiert GmbH", "Versteckt"]


# --- the list ------------------------------------------------------------------------------------


def test_list_shows_active_listed_partners_with_their_public_fields(client, network):
    html = _page(client, "/partner")
    assert "<h1" in html and "Wir sind Partner" in html
    assert "Das Netzwerk hat 3 Partner." in html
    assert _table_names(html) == [
        "Caritasverband Köln",
        "Adler Logistik GmbH",
        "Stadtverwaltung Bielefeld",
    ]
    for text in ("Verband", "Unternehmen", "Kreis Wesel", "Düsseldorf", "06.09.2023"):
        assert text in html
    assert 'href="/partner/stadt-bielefeld"' in html
    for name in HIDDEN_NAMES:
        assert name not in html
    assert SECRET not in html


def test_the_network_size_counts_all_partners_not_the_filtered_ones(client, network):
    html = _page(client, "/partner?sector=company")
    assert "Das Netzwerk hat 3 Partner." in html
    assert _table_names(html) == ["Adler Logistik GmbH"]


def test_search_by_name_is_case_insensitive_and_takes_wildcards_literally(client, network):
    assert _table_names(_page(client, "/partner?q=LOGISTIK")) == ["Adler Logistik GmbH"]
    assert _table_names(_page(client, "/partner?q=verband")) == ["Caritasverband Köln"]
    assert _table_names(_page(client, "/partner?q=%25")) == []
    assert _table_names(_page(client, "/partner?q=_")) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sector=authority", ["Stadtverwaltung Bielefeld"]),
        ("sector=association", ["Caritasverband Köln"]),
        ("regierungsbezirk=Detmold", ["Stadtverwaltung Bielefeld"]),
        ("regierungsbezirk=D%C3%BCsseldorf", ["Adler Logistik GmbH"]),
        ("kreis=K%C3%B6ln", ["Caritasverband Köln"]),
        ("kreis=Kreis+Wesel&sector=company", ["Adler Logistik GmbH"]),
        ("kreis=Kreis+Wesel&sector=authority", []),
    ],
)
def test_filters(client, network, query, expected):
    assert _table_names(_page(client, f"/partner?{query}")) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Caritasverband Köln", "Adler Logistik GmbH", "Stadtverwaltung Bielefeld"]),
        (
            "member_number",
            ["Caritasverband Köln", "Adler Logistik GmbH", "Stadtverwaltung Bielefeld"],
        ),
        ("name", ["Adler Logistik GmbH", "Caritasverband Köln", "Stadtverwaltung Bielefeld"]),
        (
            "member_since",
            ["Adler Logistik GmbH", "Stadtverwaltung Bielefeld", "Caritasverband Köln"],
        ),
    ],
)
def test_sort_orders(client, network, sort, expected):
    assert _table_names(_page(client, f"/partner?sort={sort}")) == expected


def test_pages_of_25_with_links_that_keep_the_filters(client, db):
    for number in range(1, 31):
        factories.OrganisationFactory(
            name=f"Partner {number:02d}", member_number=number, sector=Sector.COMPANY
        )
    db.session.commit()
    first = _page(client, "/partner?sector=company")
    assert len(_table_names(first)) == 25
    assert _table_names(first)[0] == "Partner 01"
    assert "/partner?page=2&amp;sector=company" in first
    second = _page(client, "/partner?sector=company&page=2")
    assert _table_names(second) == [f"Partner {n}" for n in range(26, 31)]


def test_a_page_past_the_end_says_nothing_matches_and_offers_a_reset(client, network):
    html = _page(client, "/partner?page=999")
    assert _table_names(html) == []
    assert "Keine Partner entsprechen Ihrer Suche." in html
    assert 'href="/partner"' in html


@pytest.mark.parametrize(
    "query",
    [
        "sector=unknown",
        "regierungsbezirk=Atlantis",
        "kreis=%3Cscript%3E",
        "page=999",
        "page=-1",
        "page=0",
        "page=abc",
        "page=" + "9" * 40,
        "q=" + "x" * 10_000,
        "q=%00",
        "sort=evil",
        "sort=name%3B+DROP+TABLE+organisation",
        "per_page=100000",
        "sector=company&sector=authority",
    ],
)
def test_bad_input_never_breaks_the_list(client, network, query):
    response = client.get(f"/partner?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert len(_table_names(html)) <= 3
    assert "<script>" not in html.split("<main", 1)[1]


def test_an_unknown_filter_value_is_ignored_and_explained(client, network):
    html = _page(client, "/partner?sector=unknown")
    assert "Wählen Sie eine der Möglichkeiten aus der Liste." in html
    assert len(_table_names(html)) == 3


def test_a_very_long_search_is_ignored_and_explained(client, network):
    html = _page(client, "/partner?q=" + "x" * 10_000)
    assert "Geben Sie höchstens 200 Zeichen ein." in html
    assert len(_table_names(html)) == 3


def test_names_are_escaped(client, db):
    factories.OrganisationFactory(name='<script>alert("x")</script>', slug="xss")
    db.session.commit()
    html = _page(client, "/partner")
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html
    profile = _page(client, "/partner/xss")
    assert '<script>alert("x")</script>' not in profile
    assert "&lt;script&gt;" in profile


def test_list_in_english(client, network):
    client.post("/sprache", data={"locale": "en", "next": "/partner"})
    html = _page(client, "/partner")
    assert 'lang="en"' in html
    assert "Our partners" in html
    assert "The network has 3 partners." in html
    assert "Association" in html
    assert "Open data" in html


def test_list_documents_the_open_data(client, network):
    html = _page(client, "/partner")
    assert "Datenlizenz Deutschland – Namensnennung – Version 2.0" in html
    assert re.search(r'<a [^>]*data-no-crawl[^>]*href="/partner.csv"', html)
    assert re.search(r'<a [^>]*data-no-crawl[^>]*href="/api/v1/partners"', html)
    for field in ("member_number", "regierungsbezirk", "profile_url"):
        assert f"<code>{field}</code>" in html


def test_navigation_and_start_page_link_to_the_list(client, cast, login_as):
    start = _page(client, "/")
    assert start.count('href="/partner"') >= 2  # navigation and the text of the start page
    assert 'aria-current="page">Wir sind Partner' in _page(client, "/partner")
    login_as(cast["reviewer"])
    assert 'href="/partner"' in _page(client, "/konto")


def _grow(n: int) -> None:
    for _ in range(n):
        organisation = factories.OrganisationFactory()
        concept = factories.ConceptFactory(
            organisation=organisation, status=SubmissionStatus.APPROVED
        )
        factories.MeasureFactory(concept=concept)


@pytest.mark.parametrize(
    "url",
    ["/partner", "/partner?q=test&sort=name&page=2", "/partner.csv", "/api/v1/partners"],
)
def test_queries_do_not_grow_with_the_data(client, db, count_queries, url):
    _grow(5)
    db.session.commit()
    with count_queries() as small:
        assert client.get(url).status_code == 200
    _grow(55)
    db.session.commit()
    with count_queries() as large:
        assert client.get(url).status_code == 200
    assert large.count == small.count, (small.statements, large.statements)


def test_profile_queries_do_not_grow_with_the_measures(client, db, count_queries):
    organisation = factories.OrganisationFactory(slug="wachsend")
    concept = factories.ConceptFactory(organisation=organisation, status=SubmissionStatus.APPROVED)
    factories.MeasureFactory(concept=concept)
    db.session.commit()
    with count_queries() as small:
        assert client.get("/partner/wachsend").status_code == 200
    fields = db.session.query(FieldOfAction).all()
    for index in range(30):
        factories.MeasureFactory(concept=concept, field_of_action=fields[index % len(fields)])
    db.session.commit()
    with count_queries() as large:
        assert client.get("/partner/wachsend").status_code == 200
    assert large.count == small.count


# --- the profile ---------------------------------------------------------------------------------


def test_profile_shows_the_public_fields(client, network):
    html = _page(client, "/partner/stadt-bielefeld")
    assert "Stadtverwaltung Bielefeld" in html
    assert "Die Verwaltung der Stadt Bielefeld." in html
    assert (
        '<a class="kern-link" href="https://www.bielefeld.example" rel="noopener">'
        "https://www.bielefeld.example</a>" in html
    )
    assert "Behörde" in html or "Öffentliche Verwaltung" in html
    assert "Bielefeld, Regierungsbezirk Detmold" in html
    assert ">3<" in html
    assert "1. Mai 2021" in html


def test_profile_never_shows_internal_fields(client, network):
    html = _page(client, "/partner/stadt-bielefeld")
    assert SECRET not in html
    assert "kontakt@bielefeld.example" not in html
    assert "Erika Kontakt" not in html


def test_a_website_that_is_not_http_is_not_a_link(client, network, db):
    network["verein"].website = "javascript:alert(1)"
    db.session.commit()
    html = _page(client, "/partner/caritas-koeln")
    assert 'href="javascript:' not in html


def test_profile_lists_the_fields_of_action_of_the_concept_in_force(client, network, db):
    fields = db.session.query(FieldOfAction).order_by(FieldOfAction.position).all()
    assert len(fields) >= 3
    organisation = network["verein"]
    old = factories.ConceptFactory(
        organisation=organisation, version_number=1, status=SubmissionStatus.APPROVED
    )
    factories.MeasureFactory(concept=old, field_of_action=fields[0])
    in_force = factories.ConceptFactory(
        organisation=organisation, version_number=2, status=SubmissionStatus.APPROVED
    )
    # Two measures in the last field, one in the second: each field once, in reference order.
    factories.MeasureFactory(concept=in_force, field_of_action=fields[2])
    factories.MeasureFactory(concept=in_force, field_of_action=fields[1])
    factories.MeasureFactory(concept=in_force, field_of_action=fields[2])
    draft = factories.ConceptFactory(
        organisation=organisation, version_number=3, status=SubmissionStatus.DRAFT
    )
    factories.MeasureFactory(concept=draft, field_of_action=fields[3 % len(fields)])
    db.session.commit()

    html = _page(client, "/partner/caritas-koeln")
    listed = [field.name_de for field in fields if f"<li>{field.name_de}</li>" in html]
    assert listed == [fields[1].name_de, fields[2].name_de]
    assert html.index(fields[1].name_de) < html.index(fields[2].name_de)


def test_profile_without_an_approved_concept_says_so(client, network):
    html = _page(client, "/partner/adler-logistik")
    assert "Es wurden noch keine Handlungsfelder veröffentlicht." in html


@pytest.mark.parametrize(
    "slug", ["unknown", "bewerber", "abgelehnt", "ausgetreten", "pausiert", "versteckt"]
)
def test_profile_of_an_organisation_the_public_may_not_see_is_404(client, network, slug):
    response = client.get(f"/partner/{slug}")
    assert response.status_code == 404
    assert SECRET not in response.get_data(as_text=True)


def test_profile_in_english(client, network):
    client.post("/sprache", data={"locale": "en", "next": "/"})
    html = _page(client, "/partner/caritas-koeln")
    assert 'lang="en"' in html
    assert "Member since" in html
    assert "Fields of action" in html


# --- open data -----------------------------------------------------------------------------------

FIELDS = [
    "member_number",
    "name",
    "sector",
    "kreis",
    "regierungsbezirk",
    "member_since",
    "website",
    "profile_url",
]


def test_csv_has_a_header_and_the_listed_partners(client, network):
    response = client.get("/partner.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == "attachment; filename=partner.csv"
    body = response.data.decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads umlauts correctly
    assert "\r\n" in body
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert rows[0] == FIELDS
    assert [row[1] for row in rows[1:]] == [
        "Caritasverband Köln",
        "Adler Logistik GmbH",
        "Stadtverwaltung Bielefeld",
    ]
    bielefeld = dict(zip(FIELDS, rows[3], strict=True))
    assert bielefeld == {
        "member_number": "3",
        "name": "Stadtverwaltung Bielefeld",
        "sector": "authority",
        "kreis": "Bielefeld",
        "regierungsbezirk": "Detmold",
        "member_since": "2021-05-01",
        "website": "https://www.bielefeld.example",
        "profile_url": "http://localhost/partner/stadt-bielefeld",
    }
    assert SECRET not in body


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_escapes_formulas(client, db, start):
    factories.OrganisationFactory(name=f"{start}HYPERLINK(1)", slug="formel", website=f"{start}1")
    db.session.commit()
    rows = list(csv.reader(io.StringIO(client.get("/partner.csv").data.decode("utf-8-sig"))))
    assert rows[1][1] == f"'{start}HYPERLINK(1)"
    assert rows[1][6] == f"'{start}1"


def test_json_has_the_count_and_the_same_fields(client, network):
    response = client.get("/api/v1/partners")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    data = json.loads(response.data)
    assert data["count"] == 3
    assert [p["member_number"] for p in data["partners"]] == [1, 2, 3]
    assert all(sorted(p) == sorted(FIELDS) for p in data["partners"])
    assert data["partners"][0] == {
        "member_number": 1,
        "name": "Caritasverband Köln",
        "sector": "association",
        "kreis": "Köln",
        "regierungsbezirk": "Köln",
        "member_since": "2019-03-01",
        "website": "",
        "profile_url": "http://localhost/partner/caritas-koeln",
    }
    assert SECRET not in response.get_data(as_text=True)
    for name in HIDDEN_NAMES:
        assert name not in response.get_data(as_text=True)


def test_open_data_with_no_partners(client, db):
    assert json.loads(client.get("/api/v1/partners").data) == {"count": 0, "partners": []}
    rows = list(csv.reader(io.StringIO(client.get("/partner.csv").data.decode("utf-8-sig"))))
    assert rows == [FIELDS]
