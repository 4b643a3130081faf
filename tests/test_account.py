"""The account page: details, language and password."""

import pytest

from portal.models import User
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.db


def test_change_name_and_language(client, cast, login_as, db):
    user = cast["editor_a"]
    login_as(user)
    response = client.post(
        "/konto",
        data={
            "profile-name": "Neuer Name",
            "profile-function": "Personal",
            "profile-phone": "0571 1234",
            "profile-locale": "en",
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert 'lang="en"' in page
    assert "Your details have been saved." in page
    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert (saved.name, saved.function, saved.phone, saved.locale) == (
        "Neuer Name",
        "Personal",
        "0571 1234",
        "en",
    )


def test_empty_name_is_refused_and_input_kept(client, cast, login_as):
    login_as(cast["editor_a"])
    response = client.post(
        "/konto",
        data={"profile-name": "  ", "profile-function": "Meine Funktion", "profile-locale": "de"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Bitte geben Sie Ihren Namen ein." in page
    assert 'value="Meine Funktion"' in page


def test_unknown_language_is_refused(client, cast, login_as):
    login_as(cast["editor_a"])
    response = client.post("/konto", data={"profile-name": "Name", "profile-locale": "xx"})
    assert response.status_code == 422


def test_password_change_needs_the_current_password(client, cast, login_as, db):
    user = cast["editor_a"]
    login_as(user)
    new = "Neues-sicheres-Passwort-7"
    wrong = client.post(
        "/konto/passwort",
        data={
            "password-current_password": "falsch",
            "password-new_password": new,
            "password-new_password_confirm": new,
        },
    )
    assert wrong.status_code == 422
    assert "aktuelle Passwort ist nicht richtig" in wrong.get_data(as_text=True)
    ok = client.post(
        "/konto/passwort",
        data={
            "password-current_password": TEST_PASSWORD,
            "password-new_password": new,
            "password-new_password_confirm": new,
        },
    )
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(new)


@pytest.mark.parametrize(
    ("new", "confirm", "message"),
    [
        ("kurz", "kurz", "mindestens 12 Zeichen"),
        ("aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaa", "zu leicht zu erraten"),
        ("Langes-Passwort-1", "Langes-Passwort-2", "stimmen nicht überein"),
        ("x" * 129, "x" * 129, "höchstens 128 Zeichen"),
    ],
)
def test_weak_new_passwords_are_refused(client, cast, login_as, new, confirm, message):
    login_as(cast["editor_a"])
    response = client.post(
        "/konto/passwort",
        data={
            "password-current_password": TEST_PASSWORD,
            "password-new_password": new,
            "password-new_password_confirm": confirm,
        },
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_email_as_password_is_refused(client, cast, login_as):
    user = cast["editor_a"]
    login_as(user)
    response = client.post(
        "/konto/passwort",
        data={
            "password-current_password": TEST_PASSWORD,
            "password-new_password": user.email,
            "password-new_password_confirm": user.email,
        },
    )
    assert "nicht Ihre E-Mail-Adresse" in response.get_data(as_text=True)


def test_language_switch_is_kept_in_the_account(client, cast, login_as, db):
    user = cast["editor_a"]
    login_as(user)
    client.post("/sprache", data={"locale": "en", "next": "/konto"})
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"
    # A new session (another browser) gets the language from the account.
    other = client.application.test_client()
    other.post("/anmelden", data={"email": user.email, "password": TEST_PASSWORD})
    assert 'lang="en"' in other.get("/konto").get_data(as_text=True)


def test_a_contact_person_chooses_what_the_directory_shows(client, cast, login_as, db):
    user = cast["admin_a"]
    user.is_contact_person = True
    db.session.commit()
    login_as(user)
    page = client.get("/konto").get_data(as_text=True)
    assert "profile-directory_shows_email" in page
    client.post(
        "/konto",
        data={
            "profile-name": user.name,
            "profile-locale": "de",
            "profile-phone": "0571 99",
            "profile-directory_shows_email": "y",
        },
    )
    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert saved.directory_shows_email is True and saved.directory_shows_phone is False
    login_as(cast["admin_b"])
    directory = client.get(f"/austausch/verzeichnis/{cast['org_a'].id}").get_data(as_text=True)
    assert user.email in directory and "0571 99" not in directory


def test_other_people_have_no_directory_choices(client, cast, login_as, db):
    user = cast["editor_a"]
    login_as(user)
    assert "profile-directory_shows_email" not in client.get("/konto").get_data(as_text=True)
    client.post(
        "/konto",
        data={
            "profile-name": user.name,
            "profile-locale": "de",
            "profile-directory_shows_email": "y",
        },
    )
    db.session.expire_all()
    assert db.session.get(User, user.id).directory_shows_email is False


def _logged_in_client(app, user):
    client = app.test_client()
    response = client.post("/anmelden", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def test_a_new_password_ends_the_other_sessions_but_not_this_one(app, cast, db):
    user = cast["editor_a"]
    here = _logged_in_client(app, user)
    elsewhere = _logged_in_client(app, user)
    response = here.post(
        "/konto/passwort",
        data={
            "password-current_password": TEST_PASSWORD,
            "password-new_password": "Ein-ganz-neues-Passwort-7",
            "password-new_password_confirm": "Ein-ganz-neues-Passwort-7",
        },
    )
    assert response.status_code == 302
    assert here.get("/konto").status_code == 200
    stale = elsewhere.get("/konto")
    assert stale.status_code == 302 and "/anmelden" in stale.headers["Location"]


def test_reactivating_does_not_bring_an_old_session_back(app, cast, db):
    from portal.manage import services as manage

    user, admin = cast["editor_a"], cast["admin_a"]
    client = _logged_in_client(app, user)
    manage.deactivate(user, actor=admin)
    manage.reactivate(user, actor=admin)
    response = client.get("/konto")
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]
