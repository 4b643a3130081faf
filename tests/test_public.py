"""The public pages: real content in German and English, the accessibility feedback form, the
language switch, and markup the strict CSP and screen readers can live with."""

import re

import pytest

from portal.models import OutboxMessage

PAGES = {
    "/": ("So werden Sie Partner", "How to become a partner"),
    "/impressum": ("Verantwortlich für den Inhalt", "Responsible for the content"),
    "/datenschutz": (
        "Keine Daten über einzelne Beschäftigte",
        "No data about individual employees",
    ),
    "/barrierefreiheit": ("Stand der Vereinbarkeit mit den Anforderungen", "Compliance status"),
    "/leichte-sprache": ("Wer kann das Portal benutzen?", "Who can use the portal?"),
}


def _switch_to_english(client):
    response = client.post("/sprache", data={"locale": "en", "next": "/"})
    assert response.status_code == 302


def _one_h1(html: str) -> bool:
    return len(re.findall(r"<h1\b", html)) == 1


@pytest.mark.parametrize(("path", "texts"), PAGES.items())
def test_pages_are_german_by_default(client, path, texts):
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'lang="de"' in html
    assert texts[0] in html
    assert texts[1] not in html
    assert _one_h1(html)


@pytest.mark.parametrize(("path", "texts"), PAGES.items())
def test_pages_are_english_after_switching(client, path, texts):
    _switch_to_english(client)
    html = client.get(path).get_data(as_text=True)
    assert '<html lang="en"' in html
    assert texts[1] in html
    assert texts[0] not in html
    assert _one_h1(html)


def test_start_page_tells_the_story_and_invites_to_apply(client, app):
    html = client.get("/").get_data(as_text=True)
    assert "Kreis Minden-Lübbecke als 37. Mitglied" in html
    assert "6. September 2023" in html
    assert f'href="mailto:{app.config["MINISTRY_CONTACT_EMAIL"]}?subject=' in html
    assert 'href="/anmelden"' in html


def test_imprint_names_the_publisher_and_marks_example_addresses(client, app):
    html = client.get("/impressum").get_data(as_text=True)
    assert "Ministerium für Kinder, Jugend, Familie, Gleichstellung, Flucht und Integration" in html
    assert "40221 Düsseldorf" in html
    assert app.config["MINISTRY_CONTACT_EMAIL"] in html
    assert "Beispieladressen" in html


def test_accessibility_statement_has_date_and_enforcement_procedure(client):
    html = client.get("/barrierefreiheit").get_data(as_text=True)
    assert "25. November 2026" in html
    assert "Schlichtungsverfahren" in html
    assert "Ombudsstelle für barrierefreie Informationstechnik" in html
    assert "@example.org" in html


def test_german_pages_offer_english_with_its_lang(client):
    html = client.get("/impressum").get_data(as_text=True)
    assert '<span class="kern-label" lang="en">English</span>' in html
    assert 'name="locale" value="en"' in html
    assert 'name="next" value="/impressum"' in html


def test_english_pages_offer_german_with_its_lang(client):
    _switch_to_english(client)
    html = client.get("/impressum?x=1").get_data(as_text=True)
    assert '<span class="kern-label" lang="de">Deutsch</span>' in html
    assert 'name="locale" value="de"' in html
    assert 'name="next" value="/impressum?x=1"' in html


def test_language_switch_returns_to_the_page_with_its_query(client):
    response = client.post("/sprache", data={"locale": "en", "next": "/impressum?x=1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/impressum?x=1"


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)", "", "x"],
)
def test_language_switch_never_redirects_elsewhere(client, target):
    response = client.post("/sprache", data={"locale": "en", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_unknown_language_changes_nothing(client):
    response = client.post("/sprache", data={"locale": "fr", "next": "/impressum"})
    assert response.headers["Location"] == "/impressum"
    assert 'lang="de"' in client.get("/impressum").get_data(as_text=True)


def test_language_switch_is_post_only(client):
    assert client.get("/sprache").status_code == 405


@pytest.mark.db
def test_language_choice_is_stored_in_the_account(client, cast, login_as, db):
    user = cast["editor_a"]
    login_as(user)
    client.post("/sprache", data={"locale": "en", "next": "/"})
    db.session.refresh(user)
    assert user.locale == "en"


# --- accessibility feedback ------------------------------------------------------------------


def _feedback(**overrides):
    data = {
        "name": "Kim Muster",
        "email": "kim@example.org",
        "page": "/impressum",
        "message": "Der Kontrast der Fußzeile ist zu gering.",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "field", "error", "kept"),
    [
        ({"message": ""}, "message", "Bitte beschreiben Sie die Barriere", 'value="Kim Muster"'),
        ({"email": "kim-at-example"}, "email", "im richtigen Format", 'value="kim-at-example"'),
        ({"message": "x" * 6000}, "message", "höchstens 5000 Zeichen", "x" * 6000),
    ],
    ids=["empty message", "invalid e-mail", "message too long"],
)
@pytest.mark.db
def test_feedback_with_bad_input_explains_and_keeps_the_input(
    client, db, overrides, field, error, kept
):
    response = client.post("/barrierefreiheit", data=_feedback(**overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-summary"' in html
    assert f'href="#{field}"' in html
    assert f'id="{field}-error"' in html
    assert error in html
    assert kept in html
    assert 'aria-invalid="true"' in html
    assert db.session.query(OutboxMessage).count() == 0


@pytest.mark.db
def test_error_summary_links_and_descriptions_point_to_existing_elements(client):
    html = client.post("/barrierefreiheit", data=_feedback(message="", email="nope")).get_data(
        as_text=True
    )
    summary = html[html.index('id="error-summary"') :]
    summary = summary[: summary.index("</ul>")]
    targets = re.findall(r'href="#([^"]+)"', summary)
    assert targets == ["message", "email"]  # reading order of the page
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    assert set(targets) <= ids
    for described in re.findall(r'aria-describedby="([^"]+)"', html):
        assert set(described.split()) <= ids
    assert 'aria-describedby="message-hint message-error"' in html


@pytest.mark.db
def test_good_feedback_queues_one_mail_and_redirects(client, app, outbox):
    response = client.post("/barrierefreiheit", data=_feedback())
    assert response.status_code == 302
    assert response.headers["Location"] == "/barrierefreiheit"
    messages = outbox()
    assert len(messages) == 1
    mail = messages[0]
    assert mail.recipient == app.config["ACCESSIBILITY_FEEDBACK_EMAIL"]
    assert mail.reply_to == "kim@example.org"
    assert "Der Kontrast der Fußzeile ist zu gering." in mail.body
    assert "Kim Muster" in mail.body
    assert "/impressum" in mail.body
    page = client.get("/barrierefreiheit").get_data(as_text=True)
    assert "kern-alert--success" in page


@pytest.mark.db
def test_anonymous_feedback_needs_only_a_message(client, outbox):
    response = client.post(
        "/barrierefreiheit", data={"message": "Ein Bild hat keinen Alternativtext."}
    )
    assert response.status_code == 302
    (mail,) = outbox()
    assert mail.reply_to == ""
    assert "Ein Bild hat keinen Alternativtext." in mail.body


def test_feedback_form_suggests_the_page_the_reader_came_from(client):
    html = client.get(
        "/barrierefreiheit", headers={"Referer": "http://localhost/datenschutz"}
    ).get_data(as_text=True)
    assert 'name="page" type="text" value="/datenschutz"' in html
    html = client.get(
        "/barrierefreiheit", headers={"Referer": "https://elsewhere.example/x"}
    ).get_data(as_text=True)
    assert "elsewhere.example" not in html


# --- markup the CSP and assistive technology accept -----------------------------------------


def _assert_csp_friendly(html: str) -> None:
    assert not re.search(r"<[^>]+\sstyle\s*=", html), "inline style attribute"
    for attributes, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S | re.I):
        assert "src=" in attributes and not body.strip(), "inline script"
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"


@pytest.mark.parametrize("path", [*PAGES, "/gibt-es-nicht"])
@pytest.mark.parametrize("english", [False, True])
def test_pages_have_no_inline_style_or_script(client, path, english):
    if english:
        _switch_to_english(client)
    html = client.get(path).get_data(as_text=True)
    _assert_csp_friendly(html)
    assert '<a class="portal-skip-link" href="#main">' in html
    assert '<main id="main"' in html


@pytest.mark.db
def test_failed_form_has_no_inline_style_or_script(client):
    _assert_csp_friendly(client.post("/barrierefreiheit", data={}).get_data(as_text=True))


def test_not_found_page_explains_what_to_do(client):
    response = client.get("/gibt-es-nicht")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "<h1>" in html
    assert 'href="/"' in html


def test_server_error_page_renders_without_touching_the_user(app, client):
    def broken():
        raise RuntimeError("boom")

    app.add_url_rule("/kaputt", "broken", broken)
    response = client.get("/kaputt")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "<h1>" in html
    assert 'href="/"' in html
    _assert_csp_friendly(html)
