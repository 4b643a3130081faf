"""A partner admin (or the ministry) manages an organisation: the profile and the people with
access. Services first (every change and every refusal), then the pages.

The people of the cast read the portal in English here, so the assertions do not depend on the
German catalog; one test checks that e-mails follow the recipient's language."""

import threading

import pytest
from sqlalchemy import select

from portal.auth.services import authenticate, check_token
from portal.extensions import db as _db
from portal.manage import services
from portal.manage.services import ManageRefused
from portal.models import (
    AuditEntry,
    EmployeeBand,
    Organisation,
    Role,
    Sector,
    TokenPurpose,
    User,
)
from tests import factories

pytestmark = [pytest.mark.db, pytest.mark.usefixtures("english")]

SECRET = "Interne Notiz: Ansprechpartnerin wechselt im Mai"


@pytest.fixture
def people(cast, db):
    """The cast, reading the portal in English; organisation A keeps internal notes."""
    for role in ("editor_a", "admin_a", "admin_b", "reviewer", "admin"):
        cast[role].locale = "en"
    cast["org_a"].internal_notes = SECRET
    cast["org_a"].slug = "organisation-a"
    db.session.commit()
    return cast


def _audit(db, action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _fresh(db, model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def _second_admin(db, organisation, **fields) -> User:
    user = factories.UserFactory(
        role="partner_admin", organisation=organisation, locale="en", **fields
    )
    db.session.commit()
    return user


def _pending(db, organisation, **fields) -> User:
    """A person invited but who has not chosen a password yet."""
    user = factories.UserFactory(
        organisation=organisation, password_hash=None, email_confirmed_at=None, **fields
    )
    db.session.commit()
    return user


# --- services: the profile ----------------------------------------------------------------------


def test_partner_updates_public_and_private_fields(db, people):
    organisation = people["org_a"]
    changed = services.update_profile(
        organisation,
        actor=people["admin_a"],
        sector="company",
        kreis="Köln",
        website="https://www.example.de",
        description="Wir bilden aus.",
        show_in_public_list=False,
        street="Domplatz 1",
        postcode="50667",
        city="Köln",
        employee_band="250-999",
    )
    assert set(changed) >= {"sector", "kreis", "regierungsbezirk", "website", "street"}
    saved = _fresh(db, Organisation, organisation.id)
    assert (saved.sector, saved.kreis, saved.regierungsbezirk) == (Sector.COMPANY, "Köln", "Köln")
    assert saved.employee_band == EmployeeBand.UP_TO_999
    assert saved.show_in_public_list is False
    [entry] = _audit(db, "organisation_profile_updated")
    assert entry.actor_id == people["admin_a"].id
    assert entry.organisation_id == organisation.id
    assert "website" in entry.data["fields"] and "show_in_public_list" in entry.data["fields"]


def test_nothing_changed_writes_nothing(db, people):
    organisation = people["org_a"]
    changed = services.update_profile(
        organisation,
        actor=people["admin_a"],
        sector=organisation.sector.value,
        kreis=organisation.kreis,
        website="",
        description="",
        show_in_public_list=True,
        street="",
        postcode="",
        city="",
        employee_band="",
    )
    assert changed == []
    assert _audit(db, "organisation_profile_updated") == []


@pytest.mark.parametrize("field", ["name", "internal_notes"])
def test_partner_can_neither_rename_nor_write_internal_notes(db, people, field):
    with pytest.raises(ManageRefused):
        services.update_profile(people["org_a"], actor=people["admin_a"], **{field: "Neu"})
    saved = _fresh(db, Organisation, people["org_a"].id)
    assert (saved.name, saved.internal_notes) == ("Organisation A", SECRET)


def test_editor_and_other_organisation_may_not_update(db, people):
    for actor in (people["editor_a"], people["admin_b"]):
        with pytest.raises(ManageRefused):
            services.update_profile(people["org_a"], actor=actor, city="Bonn")
    assert _fresh(db, Organisation, people["org_a"].id).city == ""


def test_ministry_renames_and_the_slug_stays(db, people):
    changed = services.update_profile(
        people["org_a"],
        actor=people["reviewer"],
        name="Organisation A Neu",
        internal_notes="Neue interne Notiz",
    )
    assert set(changed) == {"name", "internal_notes"}
    saved = _fresh(db, Organisation, people["org_a"].id)
    assert (saved.name, saved.slug) == ("Organisation A Neu", "organisation-a")
    [entry] = _audit(db, "organisation_profile_updated")
    assert entry.data["previous_name"] == "Organisation A"
    # The audit names the field, never the text of the internal notes.
    assert "Neue interne Notiz" not in str(entry.data) + entry.comment


def test_name_taken_ignoring_case_is_refused(db, people):
    with pytest.raises(ManageRefused) as refused:
        services.update_profile(people["org_a"], actor=people["admin"], name="  organisation B ")
    assert refused.value.field == "name"
    assert _fresh(db, Organisation, people["org_a"].id).name == "Organisation A"


# --- services: inviting -------------------------------------------------------------------------


def test_invite_a_new_person(db, people, outbox):
    person, renewed = services.invite_person(
        people["org_a"],
        name="Neue Kollegin",
        email="Neue.Kollegin@Example.org",
        role="partner_editor",
        actor=people["admin_a"],
    )
    assert renewed is False
    saved = _fresh(db, User, person.id)
    assert (saved.email, saved.role, saved.organisation_id) == (
        "neue.kollegin@example.org",
        Role.PARTNER_EDITOR,
        people["org_a"].id,
    )
    assert services.access_state(saved) == "invited"
    [message] = outbox()
    assert message.recipient == "neue.kollegin@example.org"
    assert "/einladung/" in message.body
    [entry] = _audit(db, "user_invited")
    assert entry.actor_id == people["admin_a"].id


@pytest.mark.parametrize("owner", ["admin_b", "reviewer", "admin_a"])
def test_invite_with_an_address_in_use_is_refused(db, people, outbox, owner):
    with pytest.raises(ManageRefused) as refused:
        services.invite_person(
            people["org_a"],
            name="Doppelt",
            email=people[owner].email.upper(),
            role="partner_editor",
            actor=people["admin_a"],
        )
    assert refused.value.field == "email"
    assert outbox() == []


def test_invite_of_a_deactivated_person_points_to_reactivation(db, people, outbox):
    people["editor_a"].is_active_account = False
    db.session.commit()
    with pytest.raises(ManageRefused) as refused:
        services.invite_person(
            people["org_a"],
            name="X",
            email=people["editor_a"].email,
            role="partner_editor",
            actor=people["admin_a"],
        )
    assert "Reactivate" in str(refused.value.reason)
    assert outbox() == []


def test_inviting_again_before_acceptance_sends_a_fresh_link(db, people, outbox):
    person, _ = services.invite_person(
        people["org_a"],
        name="Zögerlich",
        email="zoegerlich@example.org",
        role="partner_editor",
        actor=people["admin_a"],
    )
    first_link = outbox()[-1].body
    again, renewed = services.invite_person(
        people["org_a"],
        name="Zögerlich",
        email="zoegerlich@example.org",
        role="partner_editor",
        actor=people["admin_a"],
    )
    assert renewed is True and again.id == person.id
    assert len(outbox()) == 2
    assert db.session.query(User).filter_by(email="zoegerlich@example.org").count() == 1
    old_token = first_link.split("/einladung/")[1].split()[0]
    new_token = outbox()[-1].body.split("/einladung/")[1].split()[0]
    assert check_token(old_token, TokenPurpose.INVITATION)[1] == "used"
    assert check_token(new_token, TokenPurpose.INVITATION)[1] is None
    assert len(_audit(db, "invitation_renewed")) == 1


# --- services: roles and the last partner admin -------------------------------------------------


def test_make_an_editor_partner_admin(db, people, outbox):
    services.change_role(people["editor_a"], "partner_admin", actor=people["admin_a"])
    assert _fresh(db, User, people["editor_a"].id).role == Role.PARTNER_ADMIN
    [entry] = _audit(db, "user_role_changed")
    assert (entry.from_state, entry.to_state) == ("partner_editor", "partner_admin")
    [message] = outbox()
    assert message.recipient == people["editor_a"].email
    assert "partner admin" in message.body


def test_the_last_partner_admin_cannot_be_made_an_editor(db, people, outbox):
    with pytest.raises(ManageRefused) as refused:
        services.change_role(people["admin_a"], "partner_editor", actor=people["reviewer"])
    assert "only active partner admin" in str(refused.value.reason)
    assert _fresh(db, User, people["admin_a"].id).role == Role.PARTNER_ADMIN
    assert _audit(db, "user_role_changed") == []
    assert outbox() == []


def test_a_deactivated_partner_admin_does_not_count(db, people):
    _second_admin(db, people["org_a"], is_active_account=False)
    with pytest.raises(ManageRefused):
        services.change_role(people["admin_a"], "partner_editor", actor=people["admin_a"])


def test_a_partner_admin_steps_down_when_another_exists(db, people, outbox):
    _second_admin(db, people["org_a"])
    services.change_role(people["admin_a"], "partner_editor", actor=people["admin_a"])
    assert _fresh(db, User, people["admin_a"].id).role == Role.PARTNER_EDITOR
    assert services.active_admin_count(people["org_a"].id) == 1
    assert [m.recipient for m in outbox()] == [people["admin_a"].email]


@pytest.mark.parametrize("change", ["demote", "deactivate"])
def test_two_admins_removing_each_other_at_once_leave_one(app, db, people, change):
    """Each of two partner admins, in a request of their own at the same moment, demotes or
    deactivates the other: one succeeds, the other is refused."""
    first, second = people["admin_a"], _second_admin(db, people["org_a"])
    pairs = [(first.id, second.id), (second.id, first.id)]
    organisation_id = people["org_a"].id
    db.session.remove()
    barrier = threading.Barrier(2)
    outcomes = []

    def act(actor_id, target_id):
        with app.app_context():
            try:
                actor = _db.session.get(User, actor_id)
                target = _db.session.get(User, target_id)
                barrier.wait(timeout=10)
                if change == "demote":
                    services.change_role(target, "partner_editor", actor=actor)
                else:
                    services.deactivate(target, actor=actor)
                outcomes.append("done")
            except ManageRefused:
                outcomes.append("refused")
            except Exception as error:  # noqa: BLE001 - reported below
                outcomes.append(repr(error))
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=act, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["done", "refused"]
    assert services.active_admin_count(organisation_id) == 1


def test_the_same_role_again_is_refused(db, people):
    with pytest.raises(ManageRefused):
        services.change_role(people["editor_a"], "partner_editor", actor=people["admin_a"])


@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_ministry_roles_cannot_be_given(db, people, role):
    with pytest.raises(ManageRefused):
        services.change_role(people["editor_a"], role, actor=people["admin_a"])
    assert _fresh(db, User, people["editor_a"].id).role == Role.PARTNER_EDITOR


# --- services: deactivate and reactivate --------------------------------------------------------


def test_deactivate_ends_access_links_and_contact_marker(db, people, outbox):
    editor = people["editor_a"]
    editor.is_contact_person = True
    db.session.commit()
    from portal.auth.services import request_password_reset

    request_password_reset(editor.email)
    reset_link = outbox()[-1].body

    services.deactivate(editor, actor=people["admin_a"])
    saved = _fresh(db, User, editor.id)
    assert saved.is_active_account is False
    assert saved.is_contact_person is False
    assert services.access_state(saved) == "deactivated"
    token = reset_link.split("/passwort-neu/")[1].split()[0]
    assert check_token(token, TokenPurpose.RESET_PASSWORD)[1] == "used"
    [entry] = _audit(db, "user_deactivated")
    assert entry.actor_id == people["admin_a"].id
    message = outbox()[-1]
    assert message.recipient == editor.email
    assert "deactivated" in message.subject
    from tests.conftest import TEST_PASSWORD

    assert authenticate(editor.email, TEST_PASSWORD).problem == "inactive"


def test_deactivating_an_invitation_withdraws_it(db, people, outbox):
    person, _ = services.invite_person(
        people["org_a"],
        name="Doch nicht",
        email="dochnicht@example.org",
        role="partner_editor",
        actor=people["admin_a"],
    )
    token = outbox()[-1].body.split("/einladung/")[1].split()[0]
    services.deactivate(person, actor=people["admin_a"])
    assert check_token(token, TokenPurpose.INVITATION)[1] == "used"
    # Invitations go out in German (the invitee has not chosen a language yet).
    assert "zurückgezogen" in outbox()[-1].subject


def test_the_last_partner_admin_cannot_be_deactivated(db, people, outbox):
    with pytest.raises(ManageRefused):
        services.deactivate(people["admin_a"], actor=people["reviewer"])
    assert _fresh(db, User, people["admin_a"].id).is_active_account is True
    assert outbox() == []


def test_nobody_deactivates_themselves(db, people):
    _second_admin(db, people["org_a"])
    with pytest.raises(ManageRefused) as refused:
        services.deactivate(people["admin_a"], actor=people["admin_a"])
    assert "your own access" in str(refused.value.reason)


def test_deactivate_twice_is_refused(db, people):
    services.deactivate(people["editor_a"], actor=people["admin_a"])
    with pytest.raises(ManageRefused):
        services.deactivate(people["editor_a"], actor=people["admin_a"])
    assert len(_audit(db, "user_deactivated")) == 1


def test_reactivate_gives_access_again(db, people, outbox):
    services.deactivate(people["editor_a"], actor=people["admin_a"])
    services.reactivate(people["editor_a"], actor=people["reviewer"])
    assert _fresh(db, User, people["editor_a"].id).is_active_account is True
    [entry] = _audit(db, "user_reactivated")
    assert entry.actor_id == people["reviewer"].id
    message = outbox()[-1]
    assert message.recipient == people["editor_a"].email
    assert "active again" in message.subject
    assert "/anmelden" in message.body


def test_reactivating_an_invitation_sends_a_fresh_link(db, people, outbox):
    person = _pending(db, people["org_a"], is_active_account=False, locale="en")
    services.reactivate(person, actor=people["admin_a"])
    token = outbox()[-1].body.split("/einladung/")[1].split()[0]
    assert check_token(token, TokenPurpose.INVITATION)[1] is None


def test_reactivating_an_active_person_is_refused(db, people, outbox):
    with pytest.raises(ManageRefused):
        services.reactivate(people["editor_a"], actor=people["admin_a"])
    assert outbox() == []


# --- services: contact person -------------------------------------------------------------------


def test_mark_and_unmark_contact_person(db, people):
    services.set_contact_person(people["editor_a"], True, actor=people["admin_a"])
    assert _fresh(db, User, people["editor_a"].id).is_contact_person is True
    with pytest.raises(ManageRefused):
        services.set_contact_person(people["editor_a"], True, actor=people["admin_a"])
    services.set_contact_person(people["editor_a"], False, actor=people["admin_a"])
    assert _fresh(db, User, people["editor_a"].id).is_contact_person is False
    assert len(_audit(db, "contact_person_set")) == 1
    assert len(_audit(db, "contact_person_removed")) == 1


def test_a_deactivated_person_cannot_become_contact_person(db, people):
    services.deactivate(people["editor_a"], actor=people["admin_a"])
    with pytest.raises(ManageRefused):
        services.set_contact_person(people["editor_a"], True, actor=people["admin_a"])


# --- e-mails in the recipient's language --------------------------------------------------------


def test_mails_follow_the_recipients_language(db, people, outbox):
    german = factories.UserFactory(organisation=people["org_a"], locale="de")
    db.session.commit()
    services.change_role(german, "partner_admin", actor=people["admin_a"])
    services.change_role(people["editor_a"], "partner_admin", actor=people["admin_a"])
    german_mail, english_mail = outbox()
    assert german_mail.recipient == german.email
    assert "Guten Tag" in german_mail.body and "Mit freundlichen Grüßen" in german_mail.body
    assert "Hello" in english_mail.body and "Kind regards" in english_mail.body


# --- pages: the profile -------------------------------------------------------------------------


def _profile_form(**overrides) -> dict:
    data = {
        "sector": "authority",
        "kreis": "Kreis Minden-Lübbecke",
        "website": "https://www.organisation-a.example.org",
        "description": "Wir öffnen uns.",
        "show_in_public_list": "y",
        "street": "Portastraße 13",
        "postcode": "32423",
        "city": "Minden",
        "employee_band": "1000-4999",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _profile_url(cast) -> str:
    return f"/organisationen/{cast['org_a'].id}/profil"


def test_partner_sees_the_two_parts_and_never_the_internal_notes(client, people, login_as):
    login_as(people["admin_a"])
    page = client.get(_profile_url(people)).get_data(as_text=True)
    assert "Public – shown in the partner list and your profile" in page
    assert "Not public" in page
    assert "Internal" not in page
    assert SECRET not in page
    assert 'name="internal_notes"' not in page
    assert 'name="name"' not in page  # only the ministry renames
    assert "Only the ministry can change the name." in page
    assert 'href="/partner/organisation-a"' in page


def test_ministry_sees_the_internal_notes_and_the_name(client, people, login_as):
    login_as(people["reviewer"])
    page = client.get(_profile_url(people)).get_data(as_text=True)
    assert "Internal – never shown to the partner" in page
    assert SECRET in page
    assert 'name="name"' in page


def test_partner_saves_the_profile(client, people, login_as, db):
    login_as(people["admin_a"])
    response = client.post(
        _profile_url(people),
        data=_profile_form(website="www.organisation-a.example.org", description="Neu\r\nZeile"),
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The profile of Organisation A has been saved." in page
    saved = _fresh(db, Organisation, people["org_a"].id)
    assert saved.website == "https://www.organisation-a.example.org"
    assert saved.description == "Neu\nZeile"
    assert (saved.street, saved.postcode, saved.city) == ("Portastraße 13", "32423", "Minden")
    assert saved.employee_band == EmployeeBand.UP_TO_4999
    assert saved.internal_notes == SECRET


def test_a_line_break_counts_as_one_character(client, people, login_as, db):
    login_as(people["admin_a"])
    text = "x" * 1990 + "\r\nx" * 5  # 2000 characters as the browser counts them
    response = client.post(_profile_url(people), data=_profile_form(description=text))
    assert response.status_code == 302
    assert len(_fresh(db, Organisation, people["org_a"].id).description) == 2000


def test_saving_the_same_again_says_nothing_changed(client, people, login_as, db):
    login_as(people["admin_a"])
    client.post(_profile_url(people), data=_profile_form())
    response = client.post(_profile_url(people), data=_profile_form(), follow_redirects=True)
    assert "Nothing changed" in response.get_data(as_text=True)
    assert len(_audit(db, "organisation_profile_updated")) == 1


def test_hiding_from_the_public_list(client, people, login_as, db):
    assert client.get("/partner/organisation-a").status_code == 200
    login_as(people["admin_a"])
    response = client.post(
        _profile_url(people), data=_profile_form(show_in_public_list=None), follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "is no longer shown in the public partner list" in page
    assert 'href="/partner/organisation-a"' not in page
    assert client.get("/partner/organisation-a").status_code == 404
    assert "Organisation A" not in client.get("/partner").get_data(as_text=True)


def test_a_partner_cannot_sneak_in_name_or_internal_notes(client, people, login_as, db):
    login_as(people["admin_a"])
    client.post(
        _profile_url(people),
        data=_profile_form(name="Gekapert", internal_notes="überschrieben"),
    )
    saved = _fresh(db, Organisation, people["org_a"].id)
    assert (saved.name, saved.internal_notes) == ("Organisation A", SECRET)


def test_ministry_renames_through_the_page(client, people, login_as, db):
    login_as(people["admin"])
    response = client.post(
        _profile_url(people),
        data=_profile_form(name="Organisation A (neu)", internal_notes=SECRET),
        follow_redirects=True,
    )
    assert "Organisation A (neu)" in response.get_data(as_text=True)
    saved = _fresh(db, Organisation, people["org_a"].id)
    assert (saved.name, saved.slug) == ("Organisation A (neu)", "organisation-a")


SCRIPT = "<script>alert(1)</script>"


@pytest.mark.parametrize(
    ("overrides", "message", "kept"),
    [
        ({"sector": None}, "Please choose the sector", "Wir öffnen uns."),
        ({"sector": "ministry"}, "Choose one of the options", "Wir öffnen uns."),
        ({"kreis": ""}, "Please choose the Kreis", "Wir öffnen uns."),
        ({"kreis": "Atlantis"}, "Choose one of the options", "Wir öffnen uns."),
        ({"website": "keine Angabe"}, "Enter the address of your website", "keine Angabe"),
        ({"website": "javascript:alert(1)"}, "Enter the address of your website", "javascript:"),
        ({"website": SCRIPT}, "Enter the address of your website", "&lt;script&gt;alert(1)"),
        (
            {"website": "https://example.de/" + "x" * 300},
            "Enter at most 300 characters",
            "x" * 300,
        ),
        ({"description": "x" * 2001}, "2000 characters or fewer", "x" * 2001),
        ({"postcode": "3242"}, "five-digit postcode", 'value="3242"'),
        ({"postcode": SCRIPT}, "five-digit postcode", "&lt;script&gt;"),
        ({"street": "s" * 201}, "200", "s" * 201),
        ({"city": "c" * 101}, "100", "c" * 101),
        ({"employee_band": "viele"}, "Choose one of the options", "Portastraße 13"),
    ],
)
def test_bad_profile_input_is_explained_and_kept(
    client, people, login_as, db, overrides, message, kept
):
    login_as(people["admin_a"])
    response = client.post(_profile_url(people), data=_profile_form(**overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert kept in page
    assert 'id="error-summary"' in page
    assert SCRIPT not in page
    # The other fields keep what was typed.
    assert 'value="32423"' in page or "postcode" in overrides
    assert "Wir öffnen uns." in page or "description" in overrides
    assert _fresh(db, Organisation, people["org_a"].id).city == ""
    assert _audit(db, "organisation_profile_updated") == []


def test_script_in_the_description_is_saved_as_text(client, people, login_as, db):
    login_as(people["admin_a"])
    client.post(_profile_url(people), data=_profile_form(description=SCRIPT))
    assert _fresh(db, Organisation, people["org_a"].id).description == SCRIPT
    page = client.get(_profile_url(people)).get_data(as_text=True)
    assert SCRIPT not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Please enter the name of the organisation."),
        ("organisation b", "Another organisation already has this name."),
        ("n" * 201, "Enter at most 200 characters."),
    ],
)
def test_bad_names_from_the_ministry(client, people, login_as, db, name, message):
    login_as(people["reviewer"])
    response = client.post(
        _profile_url(people), data=_profile_form(name=name, internal_notes="Notiz bleibt")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert "Notiz bleibt" in page
    assert _fresh(db, Organisation, people["org_a"].id).name == "Organisation A"


def test_unknown_organisation_is_404(client, people, login_as):
    login_as(people["reviewer"])
    assert client.get("/organisationen/99999/profil").status_code == 404
    assert client.get("/organisationen/99999/zugaenge").status_code == 404


# --- pages: the people with access --------------------------------------------------------------


def _users_url(cast) -> str:
    return f"/organisationen/{cast['org_a'].id}/zugaenge"


def _person_url(cast, user, action: str) -> str:
    return f"/organisationen/{cast['org_a'].id}/zugaenge/{user.id}/{action}"


def test_the_list_shows_people_roles_and_states(client, people, login_as, db):
    pending = _pending(db, people["org_a"], name="Eingeladene Person")
    gone = factories.UserFactory(
        organisation=people["org_a"], name="Ehemalige Person", is_active_account=False
    )
    people["admin_a"].is_contact_person = True
    db.session.commit()
    login_as(people["admin_a"])
    page = client.get(_users_url(people)).get_data(as_text=True)
    for person in (people["editor_a"], people["admin_a"], pending, gone):
        assert person.email in page
    assert people["admin_b"].email not in page
    assert "Invited – not yet accepted" in page
    assert "Deactivated" in page
    assert f"Reactivate the access of {gone.name}" in page
    assert f"Make {people['editor_a'].name} a partner admin" in page
    assert f"Remove {people['admin_a'].name} as contact person" in page
    # The only partner admin is neither demoted nor deactivated here, and nobody themselves.
    assert f"Make {people['admin_a'].name} an editor" not in page
    assert f"Deactivate the access of {people['admin_a'].name}" not in page
    assert "The only active partner admin" in page


def test_invite_through_the_page(client, people, login_as, db, outbox):
    login_as(people["admin_a"])
    response = client.post(
        f"{_users_url(people)}/einladen",
        data={"name": "Neue Kollegin", "email": "neu@example.org", "role": "partner_admin"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Neue Kollegin has been invited" in page
    assert "neu@example.org" in page
    assert "Invited – not yet accepted" in page
    assert db.session.scalar(select(User).where(User.email == "neu@example.org")).role == (
        Role.PARTNER_ADMIN
    )
    assert outbox()[-1].recipient == "neu@example.org"

    again = client.post(
        f"{_users_url(people)}/einladen",
        data={"name": "Neue Kollegin", "email": "neu@example.org", "role": "partner_admin"},
        follow_redirects=True,
    )
    assert "sent a fresh invitation link" in again.get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "message", "kept"),
    [
        ({"name": ""}, "Please enter the name of the person.", 'value="neu@example.org"'),
        ({"name": "n" * 201}, "Enter at most 200 characters.", "n" * 201),
        ({"name": SCRIPT}, None, "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ({"email": ""}, "Please enter the e-mail address", 'value="Neue Kollegin"'),
        ({"email": "keine-adresse"}, "valid e-mail address", 'value="keine-adresse"'),
        ({"email": SCRIPT}, "valid e-mail address", "&lt;script&gt;"),
        ({"email": "a" * 250 + "@example.org"}, "Enter at most 254 characters.", "a" * 250),
        ({"role": "reviewer"}, "Choose one of the options", 'value="Neue Kollegin"'),
        ({"role": ""}, "Please choose a role.", 'value="Neue Kollegin"'),
    ],
)
def test_bad_invitation_input_is_explained_and_kept(
    client, people, login_as, db, outbox, overrides, message, kept
):
    data = {"name": "Neue Kollegin", "email": "neu@example.org", "role": "partner_editor"}
    data.update(overrides)
    login_as(people["admin_a"])
    response = client.post(f"{_users_url(people)}/einladen", data=data)
    page = response.get_data(as_text=True)
    if message is None:
        # A name is just text: saved as typed, shown escaped.
        assert response.status_code == 302
        listing = client.get(_users_url(people)).get_data(as_text=True)
        assert kept in listing and SCRIPT not in listing
        return
    assert response.status_code == 422
    assert message in page
    assert kept in page
    assert SCRIPT not in page
    assert 'id="error-summary"' in page
    assert outbox() == []


def test_an_address_in_use_is_explained_at_the_field(client, people, login_as, outbox):
    login_as(people["admin_a"])
    response = client.post(
        f"{_users_url(people)}/einladen",
        data={"name": "Doppelt", "email": people["admin_b"].email, "role": "partner_editor"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "already belongs to another account" in page
    assert 'id="email-error"' in page
    assert 'value="Doppelt"' in page
    assert outbox() == []


def test_demoting_the_last_admin_on_the_page_is_409(client, people, login_as, db):
    login_as(people["admin_a"])
    response = client.post(
        _person_url(people, people["admin_a"], "rolle"), data={"role": "partner_editor"}
    )
    assert response.status_code == 409
    assert "only active partner admin" in response.get_data(as_text=True)
    assert _fresh(db, User, people["admin_a"].id).role == Role.PARTNER_ADMIN


def test_a_partner_admin_steps_down_and_leaves_the_page(client, people, login_as, db, outbox):
    other = _second_admin(db, people["org_a"], name="Zweite Admin")
    login_as(people["admin_a"])
    response = client.post(
        _person_url(people, people["admin_a"], "rolle"), data={"role": "partner_editor"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/organisationen/{people['org_a'].id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your role is now" in page
    assert client.get(_users_url(people)).status_code == 403
    # The remaining admin cannot step down now.
    assert services.active_admin_count(people["org_a"].id) == 1
    assert _fresh(db, User, other.id).role == Role.PARTNER_ADMIN


def test_change_role_through_the_page(client, people, login_as, db, outbox):
    login_as(people["admin_a"])
    response = client.post(
        _person_url(people, people["editor_a"], "rolle"),
        data={"role": "partner_admin"},
        follow_redirects=True,
    )
    assert f"{people['editor_a'].name}&#39;s role is now" in response.get_data(as_text=True)
    assert _fresh(db, User, people["editor_a"].id).role == Role.PARTNER_ADMIN
    assert outbox()[-1].recipient == people["editor_a"].email


@pytest.mark.parametrize("role", ["", "admin", SCRIPT])
def test_bad_role_is_422(client, people, login_as, db, role):
    login_as(people["admin_a"])
    response = client.post(_person_url(people, people["editor_a"], "rolle"), data={"role": role})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please choose a role." in page or "Choose one of the options in the list." in page
    assert SCRIPT not in page
    assert _fresh(db, User, people["editor_a"].id).role == Role.PARTNER_EDITOR


@pytest.mark.parametrize("value", ["", "vielleicht", SCRIPT])
def test_bad_contact_person_value_is_422(client, people, login_as, db, value):
    login_as(people["admin_a"])
    response = client.post(
        _person_url(people, people["editor_a"], "ansprechperson"),
        data={"is_contact_person": value},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "contact person" in page and 'role="alert"' in page
    assert SCRIPT not in page


def test_contact_person_through_the_page(client, people, login_as, db):
    login_as(people["admin_a"])
    response = client.post(
        _person_url(people, people["editor_a"], "ansprechperson"),
        data={"is_contact_person": "yes"},
        follow_redirects=True,
    )
    assert "is now marked as contact person" in response.get_data(as_text=True)
    assert _fresh(db, User, people["editor_a"].id).is_contact_person is True


def test_deactivate_asks_first_then_ends_the_session(client, app, people, login_as, db, outbox):
    editor = people["editor_a"]
    editor_client = app.test_client()
    editor_client.post("/anmelden", data={"email": editor.email, "password": _password()})
    assert editor_client.get(f"/organisationen/{people['org_a'].id}").status_code == 200

    login_as(people["admin_a"])
    confirm = client.get(_person_url(people, editor, "deaktivieren"))
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert f"Deactivate the access of {editor.name}" in page
    assert "can no longer log in" in page
    assert _fresh(db, User, editor.id).is_active_account is True  # nothing happened yet

    response = client.post(_person_url(people, editor, "deaktivieren"), follow_redirects=True)
    assert f"The access of {editor.name} has been deactivated" in response.get_data(as_text=True)
    # The editor's running session ends with the next page.
    after = editor_client.get(f"/organisationen/{people['org_a'].id}")
    assert after.status_code == 302 and "/anmelden" in after.headers["Location"]
    again = editor_client.post("/anmelden", data={"email": editor.email, "password": _password()})
    assert again.status_code == 422
    assert outbox()[-1].recipient == editor.email


def _password():
    from tests.conftest import TEST_PASSWORD

    return TEST_PASSWORD


def test_deactivating_the_last_admin_on_the_page_is_409(client, people, login_as, db):
    login_as(people["reviewer"])
    page = client.get(_person_url(people, people["admin_a"], "deaktivieren")).get_data(as_text=True)
    assert "is the only active partner admin" in page
    assert 'type="submit"' not in page.split("<main")[1].split("</main>")[0]
    response = client.post(_person_url(people, people["admin_a"], "deaktivieren"))
    assert response.status_code == 409
    assert "only active partner admin" in response.get_data(as_text=True)
    assert _fresh(db, User, people["admin_a"].id).is_active_account is True


def test_reactivate_through_the_page(client, people, login_as, db, outbox):
    people["editor_a"].is_active_account = False
    db.session.commit()
    login_as(people["admin_a"])
    response = client.post(
        _person_url(people, people["editor_a"], "aktivieren"), follow_redirects=True
    )
    assert f"{people['editor_a'].name} has access again" in response.get_data(as_text=True)
    assert _fresh(db, User, people["editor_a"].id).is_active_account is True
    again = client.post(_person_url(people, people["editor_a"], "aktivieren"))
    assert again.status_code == 409
    assert "already has access" in again.get_data(as_text=True)


@pytest.mark.parametrize(
    ("action", "method", "data"),
    [
        ("rolle", "POST", {"role": "partner_editor"}),
        ("deaktivieren", "GET", None),
        ("deaktivieren", "POST", {}),
        ("aktivieren", "POST", {}),
        ("ansprechperson", "POST", {"is_contact_person": "yes"}),
    ],
)
def test_people_of_another_organisation_are_unknown_here(
    client, people, login_as, db, action, method, data
):
    login_as(people["admin_a"])
    for stranger in (people["admin_b"], people["reviewer"]):
        response = client.open(_person_url(people, stranger, action), method=method, data=data)
        assert response.status_code == 404
    unknown = f"/organisationen/{people['org_a'].id}/zugaenge/99999/{action}"
    assert client.open(unknown, method=method, data=data).status_code == 404
    assert _fresh(db, User, people["admin_b"].id).is_active_account is True
    assert _fresh(db, User, people["admin_b"].id).role == Role.PARTNER_ADMIN


def test_ministry_manages_any_organisation(client, people, login_as, db):
    login_as(people["reviewer"])
    org_b = people["org_b"]
    assert client.get(f"/organisationen/{org_b.id}/zugaenge").status_code == 200
    response = client.post(
        f"/organisationen/{org_b.id}/zugaenge/einladen",
        data={
            "name": "Per Ministerium",
            "email": "ministerium@b.example.org",
            "role": "partner_admin",
        },
    )
    assert response.status_code == 302
    invited = db.session.scalar(select(User).where(User.email == "ministerium@b.example.org"))
    assert invited.organisation_id == org_b.id


def _staff(db, organisation, first: int, last: int) -> None:
    """People in every state: active, invited (every third), deactivated (every seventh)."""
    for index in range(first, last):
        factories.UserFactory(
            organisation=organisation,
            name=f"Mitarbeitende {index:03d}",
            password_hash=None if index % 3 == 0 else factories.TEST_PASSWORD_HASH,
            is_active_account=index % 7 != 0,
            is_contact_person=index % 5 == 0,
        )
    db.session.commit()


def test_the_list_runs_a_fixed_number_of_queries(client, people, login_as, db, count_queries):
    login_as(people["admin_a"])
    _staff(db, people["org_a"], 0, 5)
    with count_queries() as small:
        response = client.get(_users_url(people))
    assert response.status_code == 200
    assert "Mitarbeitende 004" in response.get_data(as_text=True)
    _staff(db, people["org_a"], 5, 50)
    with count_queries() as large:
        response = client.get(_users_url(people))
    page = response.get_data(as_text=True)
    assert "Mitarbeitende 020" in page
    assert "Showing 1 to 25 of 52" in page
    assert large.count == small.count, (small.statements, large.statements)
    print(f"people page: {small.count} queries at 5 people, {large.count} at 50")
