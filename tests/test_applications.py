"""The public application (Bewerbung): the service that creates the applicant and its contact
person, the form with every kind of bad input, the page after sending, confirming the address and
logging in, and a new confirmation link."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.applications import services
from portal.applications.forms import normalise_website
from portal.models import (
    AccountToken,
    AuditEntry,
    EmployeeBand,
    Organisation,
    OrganisationStatus,
    Role,
    Sector,
    TokenPurpose,
    User,
)
from tests import factories

pytestmark = pytest.mark.db

PASSWORD = "Vielfalt-leben-2026!"

# What a visitor types into the form (English UI, see `english`).
FORM = {
    "organisation_name": "Stadtwerke Beispielstadt GmbH",
    "sector": "company",
    "street": "Hauptstraße 1",
    "postcode": "52062",
    "city": "Aachen",
    "kreis": "Städteregion Aachen",
    "website": "www.stadtwerke-beispiel.de",
    "employee_band": "250-999",
    "contact_name": "Dr. Aylin Beispiel",
    "contact_function": "Head of human resources",
    "email": "Aylin.Beispiel@Stadtwerke-Beispiel.example",
    "password": PASSWORD,
    "password_confirm": PASSWORD,
    "message": "We look forward to the exchange.",
    "consent": "y",
}


def _details(**overrides) -> dict:
    """Keyword arguments of services.apply."""
    details = {
        "organisation_name": FORM["organisation_name"],
        "sector": Sector.COMPANY,
        "street": FORM["street"],
        "postcode": FORM["postcode"],
        "city": FORM["city"],
        "kreis": FORM["kreis"],
        "website": "https://www.stadtwerke-beispiel.de",
        "employee_band": EmployeeBand.UP_TO_999,
        "contact_name": FORM["contact_name"],
        "contact_function": FORM["contact_function"],
        "email": FORM["email"],
        "password": PASSWORD,
        "message": FORM["message"],
        "locale": "en",
    }
    details.update(overrides)
    return details


def _link_from(message, path_prefix: str) -> str:
    match = re.search(rf"http://portal\.test({path_prefix}/[\w-]+)", message.body)
    assert match, f"no {path_prefix} link in:\n{message.body}"
    return match.group(1)


def _counts(db) -> tuple[int, int, int, int]:
    db.session.expire_all()
    return (
        db.session.query(Organisation).count(),
        db.session.query(User).count(),
        db.session.query(AccountToken).count(),
        db.session.query(AuditEntry).filter_by(action="application_received").count(),
    )


@pytest.fixture
def english(client):
    """Switch the client's UI to English, so messages read as written in the code."""
    client.post("/sprache", data={"locale": "en"})
    return client


# --- the service --------------------------------------------------------------------------------


def test_apply_creates_the_applicant_and_its_unconfirmed_contact_person(db, cast, outbox):
    factories.UserFactory(role="reviewer", organisation=None, is_active_account=False)
    db.session.commit()

    user = services.apply(**_details())

    db.session.expire_all()
    organisation = db.session.query(Organisation).filter_by(name=FORM["organisation_name"]).one()
    assert organisation.status == OrganisationStatus.APPLICANT
    assert organisation.member_number is None
    assert organisation.slug == "stadtwerke-beispielstadt-gmbh"
    assert organisation.kreis == "Städteregion Aachen"
    assert organisation.regierungsbezirk == "Köln"
    assert (organisation.street, organisation.postcode, organisation.city) == (
        "Hauptstraße 1",
        "52062",
        "Aachen",
    )
    assert organisation.website == "https://www.stadtwerke-beispiel.de"
    assert organisation.employee_band == EmployeeBand.UP_TO_999
    assert organisation.sector == Sector.COMPANY

    user = db.session.get(User, user.id)
    assert user.organisation_id == organisation.id
    assert user.role == Role.PARTNER_ADMIN
    assert user.is_contact_person
    assert user.email == "aylin.beispiel@stadtwerke-beispiel.example"
    assert user.function == "Head of human resources"
    assert user.email_confirmed_at is None
    assert user.locale == "en"
    assert user.check_password(PASSWORD)

    token = db.session.query(AccountToken).one()
    assert (token.user_id, token.purpose, token.used_at) == (
        user.id,
        TokenPurpose.CONFIRM_EMAIL,
        None,
    )

    confirmation, to_reviewer = outbox()
    assert confirmation.recipient == user.email
    assert confirmation.subject == "Please confirm your e-mail address for the partner portal"
    assert "Stadtwerke Beispielstadt GmbH" in confirmation.body
    assert "/bestaetigen/" in _link_from(confirmation, "/bestaetigen")
    assert "Kind regards" in confirmation.body
    # Only the active reviewer; the reviewer's mail is in the reviewer's language (German).
    assert to_reviewer.recipient == cast["reviewer"].email
    assert "Stadtwerke Beispielstadt GmbH" in to_reviewer.subject
    assert f"http://portal.test/organisationen/{organisation.id}" in to_reviewer.body
    assert "Mit freundlichen Grüßen" in to_reviewer.body
    assert "Dr. Aylin Beispiel" in to_reviewer.body
    assert FORM["message"] in to_reviewer.body

    entry = db.session.query(AuditEntry).filter_by(action="application_received").one()
    assert entry.organisation_id == organisation.id
    assert entry.object_type == "organisation"
    assert entry.actor_id == user.id
    assert entry.to_state == "applicant"
    assert entry.comment == FORM["message"]


def test_a_german_applicant_gets_the_confirmation_in_german(db, cast, outbox):
    services.apply(**_details(locale="de"))
    confirmation = outbox()[0]
    assert confirmation.body.startswith("Guten Tag Dr. Aylin Beispiel,")
    assert "Mit freundlichen Grüßen" in confirmation.body


def test_every_active_reviewer_is_told_but_not_the_admins(db, cast, outbox):
    second = factories.UserFactory(role="reviewer", organisation=None, locale="en")
    db.session.commit()
    services.apply(**_details())
    recipients = [message.recipient for message in outbox()[1:]]
    assert recipients == [cast["reviewer"].email, second.email]
    assert "Kind regards" in outbox()[2].body
    assert cast["admin"].email not in recipients


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"organisation_name": "  organisation a "}, "organisation_name"),
        ({"organisation_name": "ORGANISATION B"}, "organisation_name"),
        ({"email": "ADMIN_A"}, "email"),
    ],
)
def test_duplicates_are_refused_and_nothing_is_saved(db, cast, outbox, overrides, field):
    if overrides.get("email") == "ADMIN_A":
        overrides["email"] = f"  {cast['admin_a'].email.upper()} "
    before = _counts(db)
    with pytest.raises(services.ApplicationRefused) as refused:
        services.apply(**_details(**overrides))
    assert refused.value.field == field
    expected = services.NAME_TAKEN if field == "organisation_name" else services.EMAIL_TAKEN
    assert refused.value.reason is expected
    assert _counts(db) == before
    assert outbox() == []


def test_an_unknown_kreis_is_refused(db, cast, outbox):
    with pytest.raises(services.ApplicationRefused) as refused:
        services.apply(**_details(kreis="Atlantis"))
    assert refused.value.field == "kreis"
    assert outbox() == []


@pytest.mark.parametrize("lost", ["organisation_name", "email"])
def test_a_lost_race_is_refused_like_a_duplicate_and_nothing_is_half_saved(
    db, cast, outbox, monkeypatch, lost
):
    """Another application with the same name or address is committed between our check and our
    insert: the database's unique constraint refuses ours, and nothing of it is kept."""
    checks = {"organisation_name": "name_taken", "email": "find_user_by_email"}
    real = getattr(services, checks[lost])
    calls = []

    def blind_the_first_time(value):
        calls.append(value)
        return None if len(calls) == 1 else real(value)

    monkeypatch.setattr(services, checks[lost], blind_the_first_time)
    taken = (
        {"organisation_name": "Organisation A"}
        if lost == "organisation_name"
        else {"email": cast["admin_a"].email}
    )
    before = _counts(db)
    with pytest.raises(services.ApplicationRefused) as refused:
        services.apply(**_details(**taken))
    assert refused.value.field == lost
    assert len(calls) == 2  # checked, lost the race, checked again
    assert _counts(db) == before
    assert outbox() == []


def test_resend_confirmation_replaces_the_link_only_for_unconfirmed_accounts(db, cast, outbox):
    user = services.apply(**_details())
    first = _link_from(outbox()[0], "/bestaetigen")

    services.resend_confirmation("  " + user.email.upper())
    messages = outbox()
    assert len(messages) == 3
    assert messages[-1].recipient == user.email
    second = _link_from(messages[-1], "/bestaetigen")
    assert first != second
    tokens = db.session.query(AccountToken).order_by(AccountToken.id).all()
    assert [token.is_used for token in tokens] == [True, False]
    assert db.session.query(AuditEntry).filter_by(action="confirmation_resent").count() == 1

    services.resend_confirmation(cast["admin_a"].email)  # already confirmed
    services.resend_confirmation("niemand@example.org")  # no account
    assert len(outbox()) == 3


# --- the form -----------------------------------------------------------------------------------


def test_the_form_groups_the_fields_and_explains_them(english, cast):
    page = english.get("/bewerben").get_data(as_text=True)
    assert page.count('<fieldset class="kern-fieldset">') == 2
    assert ">Organisation</h2></legend>" in page
    assert ">Contact person and login</h2></legend>" in page
    # Public fields are marked; the Kreis select offers all 53 Kreise and kreisfreie Städte.
    assert page.count("Public: shown in the list of partners") == 4
    assert len(re.findall(r'<option value="[^"]+">', page)) == 53
    assert "Regierungsbezirk" in page
    assert "At least 12 characters" in page
    # The privacy notice opens in the same tab.
    privacy = re.search(r'<a [^>]*href="/datenschutz"[^>]*>', page).group(0)
    assert "target" not in privacy
    assert 'href="/anmelden"' in page


def test_the_start_page_invites_to_apply(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/bewerben"' in page


def test_a_complete_application_leads_to_the_sent_page_once(english, db, outbox):
    response = english.post("/bewerben", data=FORM)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/bewerben/gesendet")

    page = english.get("/bewerben/gesendet").get_data(as_text=True)
    assert "Check your inbox" in page
    assert "aylin.beispiel@stadtwerke-beispiel.example" in page
    assert "Write your concept" in page
    assert "The ministry reviews it" in page
    assert 'href="/bewerben/bestaetigung-erneut"' in page

    # The address is shown once; a reload explains in general terms.
    again = english.get("/bewerben/gesendet").get_data(as_text=True)
    assert "aylin.beispiel@stadtwerke-beispiel.example" not in again
    assert "If you have just applied" in again

    db.session.expire_all()
    organisation = db.session.query(Organisation).one()
    assert organisation.website == "https://www.stadtwerke-beispiel.de"
    user = db.session.query(User).one()
    assert user.locale == "en"  # the language the form was filled in
    assert outbox()[0].subject == "Please confirm your e-mail address for the partner portal"


def test_the_sent_page_without_an_application_says_what_to_do(client):
    response = client.get("/bewerben/gesendet")
    assert response.status_code == 200
    assert 'href="/bewerben/bestaetigung-erneut"' in response.get_data(as_text=True)


LONG = "x" * 201

BAD_INPUT = [
    ({"organisation_name": ""}, "organisation_name", "Please enter the name of your organisation."),
    ({"organisation_name": LONG}, "organisation_name", "Enter at most 200 characters."),
    (
        {"organisation_name": "<script>alert(1)</script>"},
        "organisation_name",
        "The name must not contain angle brackets.",
    ),
    ({"sector": ""}, "sector", "Please choose the sector of your organisation."),
    ({"sector": "church"}, "sector", "Please choose the sector of your organisation."),
    ({"street": " "}, "street", "Please enter the street and house number."),
    ({"street": LONG}, "street", "Enter at most 200 characters."),
    ({"postcode": ""}, "postcode", "Please enter the postcode."),
    ({"postcode": "4022"}, "postcode", "Enter the postcode as 5 digits, like 40221."),
    ({"postcode": "40221a"}, "postcode", "Enter the postcode as 5 digits, like 40221."),
    ({"city": ""}, "city", "Please enter the town or city."),
    ({"city": "y" * 101}, "city", "Enter at most 100 characters."),
    ({"kreis": ""}, "kreis", "Please choose the Kreis or kreisfreie Stadt of your organisation."),
    (
        {"kreis": "Atlantis"},
        "kreis",
        "Please choose the Kreis or kreisfreie Stadt of your organisation.",
    ),
    ({"website": "not a website"}, "website", "Enter the address of the website"),
    ({"website": "javascript:alert(1)"}, "website", "Enter the address of the website"),
    ({"website": "ftp://example.org"}, "website", "Enter the address of the website"),
    ({"website": "www." + "w" * 300 + ".de"}, "website", "Enter at most 300 characters."),
    ({"employee_band": ""}, "employee_band", "Please choose how many people"),
    ({"employee_band": "lots"}, "employee_band", "Please choose how many people"),
    ({"contact_name": ""}, "contact_name", "Please enter your name."),
    ({"contact_name": LONG}, "contact_name", "Enter at most 200 characters."),
    ({"contact_function": ""}, "contact_function", "Please enter your function or position"),
    ({"contact_function": LONG}, "contact_function", "Enter at most 200 characters."),
    ({"email": ""}, "email", "Please enter your e-mail address."),
    ({"email": "aylin.example.org"}, "email", "Please enter a valid e-mail address"),
    ({"email": "a" * 250 + "@x.de"}, "email", "Enter at most 254 characters."),
    (
        {"password": "kurz", "password_confirm": "kurz"},
        "password",
        "The password must be at least 12 characters long.",
    ),
    (
        {"password": "a" * 129, "password_confirm": "a" * 129},
        "password",
        "at most 128 characters",
    ),
    (
        {
            "password": "aylin.beispiel@stadtwerke-beispiel.example",
            "password_confirm": "aylin.beispiel@stadtwerke-beispiel.example",
        },
        "password",
        "must not be your e-mail address",
    ),
    ({"password_confirm": "Etwas-ganz-anderes-1"}, "password_confirm", "do not match"),
    ({"password_confirm": ""}, "password_confirm", "Please repeat the password."),
    ({"message": "m" * 2001}, "message", "Enter at most 2000 characters."),
    ({"consent": ""}, "consent", "Please agree to the privacy notice"),
]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    BAD_INPUT,
    ids=[f"{f}-{i}" for i, (_, f, _m) in enumerate(BAD_INPUT)],
)
def test_bad_input_is_explained_at_the_field_and_keeps_what_was_typed(
    english, db, outbox, overrides, field, message
):
    data = {key: value for key, value in {**FORM, **overrides}.items() if value != ""}
    response = english.post("/bewerben", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-summary"' in page
    error = re.search(rf'<p class="kern-error" id="{field}-error">(.*?)</p>', page, re.S)
    assert error, f"no error at {field}"
    assert message in error.group(1)
    # What was typed stays in the form (passwords excepted), bad values included.
    for name in ("organisation_name", "street", "postcode", "city", "contact_name"):
        value = data.get(name, "").strip()
        if value and "<" not in value:
            assert f'value="{value}"' in page, f"{name} was not kept"
    assert "<script>alert(1)</script>" not in page
    if "<" in data.get("organisation_name", ""):
        assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in page
    if field != "sector":
        assert re.search(r'<input checked[^>]*value="company"', page)
    if field != "kreis":
        assert '<option selected value="Städteregion Aachen">' in page
    if field != "message":
        assert "We look forward to the exchange." in page
    assert 'type="password"' in page and f'value="{PASSWORD}"' not in page
    assert _counts(db) == (0, 0, 0, 0)
    assert outbox() == []


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("www.beispiel.de", "https://www.beispiel.de"),
        ("beispiel.de/ueber-uns", "https://beispiel.de/ueber-uns"),
        ("http://www.beispiel.de", "http://www.beispiel.de"),
        ("HTTPS://Beispiel.NRW/", "HTTPS://Beispiel.NRW/"),
        ("https://www.bücherei-köln.de", "https://www.bücherei-köln.de"),
        ("beispiel", None),
        ("www.beispiel .de", None),
        ("javascript:alert(1)", None),
        ("mailto:info@beispiel.de", None),
        ("https://user:secret@beispiel.de", None),
        ("https://beispiel.de:port", None),
        ("https://[::1", None),
    ],
)
def test_website_addresses_get_https_and_nonsense_is_refused(typed, stored):
    assert normalise_website(typed) == stored


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    field=st.sampled_from(
        [
            "organisation_name",
            "street",
            "postcode",
            "city",
            "kreis",
            "website",
            "sector",
            "employee_band",
            "contact_name",
            "contact_function",
            "email",
            "message",
        ]
    ),
    text=st.text(max_size=400),
)
def test_arbitrary_text_never_breaks_the_form(client, field, text):
    response = client.post("/bewerben", data={**FORM, field: text})
    assert response.status_code in (302, 422)


def test_a_taken_name_shows_how_to_reach_the_ministry(english, cast, app):
    response = english.post("/bewerben", data={**FORM, "organisation_name": "organisation a"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "An organisation with this name is already registered." in page
    assert f'href="mailto:{app.config["MINISTRY_CONTACT_EMAIL"]}"' in page


def test_a_taken_address_offers_login_and_password_reset(english, cast):
    response = english.post("/bewerben", data={**FORM, "email": cast["admin_b"].email.upper()})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(r'id="email-error">(.*?)</p>', page, re.S).group(1)
    assert "There is already an account with this e-mail address." in error
    assert 'href="/anmelden?email=' in page
    assert 'href="/passwort-vergessen"' in page


def test_a_refusal_of_the_service_is_shown_at_its_field(english, cast, db, monkeypatch):
    """The form's own check passed, but the name was taken just before saving."""
    monkeypatch.setattr("portal.applications.forms.name_taken", lambda name: False)
    before = _counts(db)
    response = english.post("/bewerben", data={**FORM, "organisation_name": "Organisation A"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(r'id="organisation_name-error">(.*?)</p>', page, re.S).group(1)
    assert "already registered" in error
    assert 'value="Organisation A"' in page
    assert _counts(db) == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_logged_in_users_are_sent_home(client, cast, login_as, db, method):
    cast["admin_a"].locale = "en"
    db.session.commit()
    login_as(cast["admin_a"])
    response = getattr(client, method)("/bewerben", data=FORM if method == "post" else None)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/organisationen/{cast['org_a'].id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You already have an account" in page
    assert db.session.query(Organisation).count() == 2


# --- confirming the address and logging in ------------------------------------------------------


def test_the_applicant_confirms_the_address_then_logs_in_and_sees_the_next_step(
    english, db, outbox
):
    english.post("/bewerben", data=FORM)
    link = _link_from(outbox()[0], "/bestaetigen")
    login = {"email": FORM["email"], "password": PASSWORD}

    refused = english.post("/anmelden", data=login)
    assert refused.status_code == 422
    assert "Please confirm your e-mail address first" in refused.get_data(as_text=True)

    assert english.get(link).status_code == 200
    confirmed = english.post(link)
    assert confirmed.status_code == 302
    assert confirmed.headers["Location"].endswith("/anmelden")

    response = english.post("/anmelden", data=login)
    organisation = db.session.query(Organisation).one()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/organisationen/{organisation.id}")
    page = english.get(response.headers["Location"]).get_data(as_text=True)
    assert "Stadtwerke Beispielstadt GmbH" in page
    assert "Applicant" in page
    assert "Write your concept of measures" in page
    # The link works once.
    assert english.get(link).status_code == 410


def test_a_new_confirmation_link_is_answered_the_same_for_any_address(english, db, outbox):
    english.post("/bewerben", data=FORM)
    answers = []
    for email in (FORM["email"], "niemand@example.org"):
        response = english.post(
            "/bewerben/bestaetigung-erneut", data={"email": email}, follow_redirects=True
        )
        assert response.request.path == "/anmelden"
        page = response.get_data(as_text=True)
        answers.append(page.replace(email.lower(), "").replace(email, ""))
    assert answers[0] == answers[1]
    assert "we have sent a new confirmation link" in answers[0]
    messages = outbox()
    assert [m.recipient for m in messages].count("aylin.beispiel@stadtwerke-beispiel.example") == 2
    assert "niemand@example.org" not in [m.recipient for m in messages]
    # The newest link confirms; the first one no longer does.
    first, newest = (
        _link_from(m, "/bestaetigen")
        for m in messages
        if m.recipient == "aylin.beispiel@stadtwerke-beispiel.example"
    )
    assert english.get(first).status_code == 410
    assert english.get(newest).status_code == 200


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Please enter your e-mail address."),
        ("kein-at-zeichen", "Please enter a valid e-mail address"),
        ("<script>@x", "Please enter a valid e-mail address"),
        ("a" * 260 + "@x.de", "Enter at most 254 characters."),
    ],
)
def test_the_resend_form_explains_bad_input(english, outbox, email, message):
    response = english.post("/bewerben/bestaetigung-erneut", data={"email": email})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert "<script>@x" not in page
    if email and "<" not in email:
        assert f'value="{email}"' in page
    assert outbox() == []


class TestApplicationRateLimit:
    @pytest.fixture
    def app_config(self, base_config):
        return {**base_config, "RATELIMIT_ENABLED": True, "RATELIMIT_APPLY_FORM": "2 per minute"}

    def test_one_address_cannot_send_many_applications(self, client, db):
        for _ in range(2):
            assert client.post("/bewerben", data={}).status_code == 422
        response = client.post("/bewerben", data=FORM)
        assert response.status_code == 429
        assert db.session.query(Organisation).count() == 0
        # Reading the form is not limited.
        assert client.get("/bewerben").status_code == 200
