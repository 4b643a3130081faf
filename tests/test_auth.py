"""Logging in and out, lockout, password reset, invitations and e-mail confirmation."""

import re
from datetime import timedelta

import pytest

from portal.auth import services
from portal.models import AccountToken, AuditEntry, Role, TokenPurpose, User, utcnow
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.db


def _link_from(message, path_prefix: str) -> str:
    match = re.search(rf"http://portal\.test({path_prefix}/[\w-]+)", message.body)
    assert match, f"no {path_prefix} link in:\n{message.body}"
    return match.group(1)


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("editor_a", "/organisationen/{org_a}"),
        ("admin_a", "/organisationen/{org_a}"),
        ("reviewer", "/ministerium"),
        ("admin", "/ministerium"),
    ],
)
def test_each_role_lands_on_its_home_page(client, cast, role, landing):
    response = client.post(
        "/anmelden",
        data={"email": cast[role].email, "password": TEST_PASSWORD},
        follow_redirects=True,
    )
    assert response.request.path == landing.format(org_a=cast["org_a"].id)
    if role.endswith("_a"):
        page = response.get_data(as_text=True)
        assert "Organisation A" in page
        assert "Mitgliedsnummer" in page or "Member number" in page


def test_login_is_case_insensitive_and_logout_ends_the_session(client, cast):
    response = client.post(
        "/anmelden", data={"email": cast["reviewer"].email.upper(), "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/ministerium").status_code == 200
    client.post("/abmelden")
    assert client.get("/ministerium").status_code == 302


def test_wrong_password_shows_a_message_and_keeps_the_email(client, cast):
    response = client.post(
        "/anmelden", data={"email": cast["admin_a"].email, "password": "falsch-falsch-falsch"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-summary"' in page
    assert f'value="{cast["admin_a"].email}"' in page
    assert "falsch-falsch-falsch" not in page


def test_unknown_email_gets_the_same_message_as_a_wrong_password(client, cast):
    unknown = client.post("/anmelden", data={"email": "nobody@example.org", "password": "x" * 12})
    wrong = client.post("/anmelden", data={"email": cast["admin_a"].email, "password": "x" * 12})
    message = "Die E-Mail-Adresse oder das Passwort ist nicht richtig"
    assert message in unknown.get_data(as_text=True)
    assert message in wrong.get_data(as_text=True)


def test_next_parameter_only_redirects_within_the_site(client, cast):
    data = {"email": cast["reviewer"].email, "password": TEST_PASSWORD}
    response = client.post("/anmelden?next=//evil.example/x", data=data)
    assert response.headers["Location"].endswith("/ministerium")
    client.post("/abmelden")
    response = client.post("/anmelden?next=/konto", data=data)
    assert response.headers["Location"].endswith("/konto")


def test_five_failures_lock_the_account_for_fifteen_minutes(client, cast, db):
    user = cast["admin_a"]
    for _ in range(5):
        client.post("/anmelden", data={"email": user.email, "password": "wrong-password!"})
    response = client.post("/anmelden", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 422
    assert "gesperrt" in response.get_data(as_text=True)
    db.session.expire_all()
    locked = db.session.get(User, user.id)
    assert locked.locked_until > utcnow() + timedelta(minutes=14)
    assert db.session.query(AuditEntry).filter_by(action="account_locked").count() == 1
    # After the lockout has run out the right password works again.
    locked.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.post("/anmelden", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_failures_outside_the_window_do_not_add_up(app, cast, db):
    user = cast["admin_a"]
    for _ in range(4):
        services.authenticate(user.email, "wrong-password!")
    user.first_failed_login_at = utcnow() - timedelta(minutes=16)
    db.session.commit()
    services.authenticate(user.email, "wrong-password!")
    assert services.authenticate(user.email, TEST_PASSWORD).user is not None


def test_inactive_and_unconfirmed_accounts_cannot_log_in(client, cast, db):
    cast["admin_a"].is_active_account = False
    cast["admin_b"].email_confirmed_at = None
    db.session.commit()
    inactive = client.post(
        "/anmelden", data={"email": cast["admin_a"].email, "password": TEST_PASSWORD}
    )
    assert "deaktiviert" in inactive.get_data(as_text=True)
    unconfirmed = client.post(
        "/anmelden", data={"email": cast["admin_b"].email, "password": TEST_PASSWORD}
    )
    assert "bestätigen" in unconfirmed.get_data(as_text=True)


class TestLoginRateLimit:
    @pytest.fixture
    def app_config(self, base_config):
        return {**base_config, "RATELIMIT_ENABLED": True, "RATELIMIT_LOGIN": "3 per minute"}

    def test_one_address_is_limited_across_accounts(self, client, cast):
        for n in range(3):
            response = client.post(
                "/anmelden", data={"email": f"x{n}@example.org", "password": "x"}
            )
            assert response.status_code == 422
        response = client.post("/anmelden", data={"email": "y@example.org", "password": "x"})
        assert response.status_code == 429
        assert "Zu viele" in response.get_data(as_text=True)


def test_password_reset_by_single_use_link(client, cast, outbox, db):
    user = cast["admin_a"]
    response = client.post("/passwort-vergessen", data={"email": user.email})
    assert response.status_code == 302
    [message] = outbox()
    assert message.recipient == user.email
    link = _link_from(message, "/passwort-neu")
    assert client.get(link).status_code == 200

    new_password = "Ein-ganz-neues-Passwort-2026"
    response = client.post(link, data={"password": new_password, "password_confirm": new_password})
    assert response.status_code == 302
    client.post("/anmelden", data={"email": user.email, "password": new_password})
    assert client.get("/konto").status_code == 200

    # The link works once.
    client.post("/abmelden")
    again = client.get(link)
    assert again.status_code == 410
    assert "bereits verwendet" in again.get_data(as_text=True)
    assert "/passwort-vergessen" in again.get_data(as_text=True)


def test_password_reset_for_unknown_address_says_the_same_and_sends_nothing(client, cast, outbox):
    response = client.post(
        "/passwort-vergessen", data={"email": "unbekannt@example.org"}, follow_redirects=True
    )
    assert "Falls ein Konto" in response.get_data(as_text=True)
    assert outbox() == []


def test_reset_link_expires_after_two_hours(client, cast, outbox, db):
    client.post("/passwort-vergessen", data={"email": cast["admin_a"].email})
    link = _link_from(outbox()[0], "/passwort-neu")
    token = db.session.query(AccountToken).one()
    assert timedelta(minutes=119) < token.expires_at - token.created_at <= timedelta(hours=2)
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.get(link)
    assert response.status_code == 410
    assert "abgelaufen" in response.get_data(as_text=True)


def test_a_new_reset_link_replaces_the_old_one(client, cast, outbox):
    client.post("/passwort-vergessen", data={"email": cast["admin_a"].email})
    client.post("/passwort-vergessen", data={"email": cast["admin_a"].email})
    first, second = outbox()
    assert client.get(_link_from(first, "/passwort-neu")).status_code == 410
    assert client.get(_link_from(second, "/passwort-neu")).status_code == 200


def test_reset_password_form_rejects_weak_or_mismatched_passwords(client, cast, outbox):
    client.post("/passwort-vergessen", data={"email": cast["admin_a"].email})
    link = _link_from(outbox()[0], "/passwort-neu")
    short = client.post(link, data={"password": "kurz", "password_confirm": "kurz"})
    assert short.status_code == 422
    assert "mindestens 12 Zeichen" in short.get_data(as_text=True)
    mismatch = client.post(
        link, data={"password": "Langes-Passwort-123", "password_confirm": "Anderes-Passwort-123"}
    )
    assert "stimmen nicht überein" in mismatch.get_data(as_text=True)


def test_reset_unlocks_a_locked_account(client, cast, db, outbox):
    user = cast["admin_a"]
    user.locked_until = utcnow() + timedelta(minutes=10)
    db.session.commit()
    client.post("/passwort-vergessen", data={"email": user.email})
    link = _link_from(outbox()[0], "/passwort-neu")
    client.post(link, data={"password": TEST_PASSWORD, "password_confirm": TEST_PASSWORD})
    assert (
        client.post("/anmelden", data={"email": user.email, "password": TEST_PASSWORD}).status_code
        == 302
    )


def test_invitation_lets_the_user_set_a_password(client, cast, outbox, db):
    user = services.invite_user(
        "neu@test.example.org",
        "Neue Person",
        Role.PARTNER_EDITOR,
        cast["org_a"],
        invited_by=cast["admin_a"],
    )
    assert user.password_hash is None
    [message] = outbox()
    assert "Organisation A" in message.body
    link = _link_from(message, "/einladung")
    page = client.get(link).get_data(as_text=True)
    assert "Organisation A" in page
    password = "Mein-eigenes-Passwort-42"
    client.post(link, data={"password": password, "password_confirm": password})
    db.session.expire_all()
    assert db.session.get(User, user.id).email_confirmed_at is not None
    response = client.post(
        "/anmelden", data={"email": "neu@test.example.org", "password": password}
    )
    assert response.headers["Location"].endswith(f"/organisationen/{cast['org_a'].id}")
    assert client.get(link).status_code == 410


def test_an_invited_user_cannot_log_in_before_setting_a_password(client, cast):
    services.invite_user("neu@test.example.org", "Neu", Role.REVIEWER)
    response = client.post("/anmelden", data={"email": "neu@test.example.org", "password": ""})
    assert response.status_code == 422


def test_email_confirmation_needs_a_button_press(client, cast, db):
    user = cast["admin_b"]
    user.email_confirmed_at = None
    raw = services.issue_token(user, TokenPurpose.CONFIRM_EMAIL)
    db.session.commit()
    client.get(f"/bestaetigen/{raw}")
    db.session.expire_all()
    assert db.session.get(User, user.id).email_confirmed_at is None
    response = client.post(f"/bestaetigen/{raw}")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).email_confirmed_at is not None
    assert client.get(f"/bestaetigen/{raw}").status_code == 410


def test_only_the_token_hash_is_stored(app, cast, db):
    raw = services.issue_token(cast["admin_a"], TokenPurpose.RESET_PASSWORD)
    db.session.commit()
    stored = db.session.query(AccountToken).one()
    assert raw not in stored.token_hash
    assert stored.token_hash == AccountToken.hash(raw)
