"""CSRF on every form, security headers, cookie flags, secret key, and robustness against
arbitrary input (hypothesis)."""

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal import create_app
from portal.security import CONTENT_SECURITY_POLICY
from tests.authz_matrix import MATRIX

pytestmark = pytest.mark.db


class TestCsrf:
    @pytest.fixture
    def app_config(self, base_config):
        return {**base_config, "WTF_CSRF_ENABLED": True}

    @pytest.mark.parametrize(
        "route", sorted(k for k in MATRIX if k[1] == "POST"), ids=lambda r: r[0]
    )
    def test_post_without_token_is_refused(self, client, cast, route):
        url_for_cast, _expectations, data = MATRIX[route]
        response = client.post(url_for_cast(cast), data=data or {"x": "1"})
        assert response.status_code == 400
        assert "Sicherheitsmerkmal" in response.get_data(as_text=True)

    def test_every_post_route_is_covered(self, app):
        posts = {
            (rule.endpoint, "POST") for rule in app.url_map.iter_rules() if "POST" in rule.methods
        }
        assert posts <= MATRIX.keys()

    def test_login_with_token_works(self, client, cast):
        page = client.get("/anmelden").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        response = client.post(
            "/anmelden",
            data={
                "csrf_token": token,
                "email": cast["reviewer"].email,
                "password": "Richtig-Langes-Passwort-1",
            },
        )
        assert response.status_code == 302


@pytest.mark.parametrize("path", ["/", "/anmelden", "/does-not-exist", "/static/css/portal.css"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_unknown_url_shows_the_404_page(client):
    response = client.get("/gibt-es-nicht")
    assert response.status_code == 404
    assert "nicht gefunden" in response.get_data(as_text=True)


def test_session_cookie_flags(base_config, _schema, cast):
    app = create_app({**base_config, "SESSION_COOKIE_SECURE": True})
    client = app.test_client()
    response = client.post(
        "/anmelden",
        data={"email": cast["reviewer"].email, "password": "Richtig-Langes-Passwort-1"},
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" in cookie


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    from portal.config import instance_secret_key

    first = instance_secret_key(str(tmp_path))
    assert len(first) == 64
    assert instance_secret_key(str(tmp_path)) == first
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_passwords_are_hashed_with_scrypt(cast):
    assert cast["admin_a"].password_hash.startswith("scrypt:")


# --- arbitrary input never gives a 500 -----------------------------------------------------------

ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300)
SOME_EMAILS = st.one_of(
    ANY_TEXT, st.emails().map(str), st.just(""), st.text(alphabet=string.printable, max_size=400)
)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(email=SOME_EMAILS, password=ANY_TEXT)
def test_login_form_survives_arbitrary_input(client, email, password):
    response = client.post("/anmelden", data={"email": email, "password": password})
    assert response.status_code in (302, 422)


@FUZZ
@given(email=SOME_EMAILS)
def test_forgot_password_form_survives_arbitrary_input(client, email):
    response = client.post("/passwort-vergessen", data={"email": email})
    assert response.status_code in (302, 422)


@FUZZ
@given(
    name=ANY_TEXT,
    function=ANY_TEXT,
    phone=ANY_TEXT,
    locale=ANY_TEXT,
    current=ANY_TEXT,
    new=ANY_TEXT,
)
def test_account_forms_survive_arbitrary_input(
    client, cast, login_as, name, function, phone, locale, current, new
):
    with client.session_transaction() as session:
        logged_in = "_user_id" in session
    if not logged_in:
        login_as(cast["editor_a"])
    profile = client.post(
        "/konto",
        data={
            "profile-name": name,
            "profile-function": function,
            "profile-phone": phone,
            "profile-locale": locale,
        },
    )
    assert profile.status_code in (302, 422)
    password = client.post(
        "/konto/passwort",
        data={
            "password-current_password": current,
            "password-new_password": new,
            "password-new_password_confirm": new,
        },
    )
    assert password.status_code in (302, 422)


@FUZZ
@given(
    token=st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=300)
)
def test_token_links_survive_arbitrary_tokens(client, token):
    assert client.get(f"/passwort-neu/{token}").status_code == 404


def test_lazy_messages_with_user_text_are_escaped(app):
    """A lazily translated message that repeats user text is escaped on every page."""
    from flask import render_template_string
    from flask_babel import lazy_gettext
    from wtforms import SelectField

    from portal.forms import PortalForm

    title = '<img src=x onerror="alert(1)">'
    message = lazy_gettext("Measure %(number)s (%(title)s)", number=1, title=title)

    class Form(PortalForm):
        class Meta:
            csrf = False

        measure = SelectField(lazy_gettext("Choose %(title)s", title=title), choices=[])

    with app.test_request_context():
        form = Form()
        form.measure.choices = [("1", message)]
        html = render_template_string(
            "{{ message }} {{ form.measure.label }} {{ form.measure() }}",
            message=message,
            form=form,
        )
    assert "<img" not in html
    assert html.count("&lt;img") == 3
