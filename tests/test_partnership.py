"""Pausing, resuming and ending a partnership: service and reviewer page."""

from datetime import date

import pytest
from sqlalchemy import select

from portal.models import AuditEntry, Organisation, OrganisationStatus
from portal.partners.services import PartnershipRefused, change_partnership

pytestmark = pytest.mark.db

S = OrganisationStatus
ALLOWED = {
    (S.ACTIVE, "pause"): S.PAUSED,
    (S.PAUSED, "resume"): S.ACTIVE,
    (S.ACTIVE, "end"): S.LEFT,
    (S.PAUSED, "end"): S.LEFT,
}


@pytest.mark.parametrize("action", ["pause", "resume", "end"])
@pytest.mark.parametrize("status", [S.ACTIVE, S.PAUSED, S.LEFT])
def test_every_change_from_every_status(db, cast, outbox, status, action):
    organisation = cast["org_a"]
    organisation.status = status
    db.session.commit()
    target = ALLOWED.get((status, action))
    if target is None:
        with pytest.raises(PartnershipRefused):
            change_partnership(
                organisation,
                action,
                effective_on=date(2026, 12, 1),
                reason="Grund",
                actor=cast["reviewer"],
            )
        db.session.rollback()
        assert db.session.get(Organisation, organisation.id).status == status
        assert outbox() == []
        return
    change_partnership(
        organisation,
        action,
        effective_on=date(2026, 12, 1),
        reason="Umstrukturierung",
        actor=cast["reviewer"],
    )
    db.session.expire_all()
    changed = db.session.get(Organisation, organisation.id)
    assert changed.status == target
    assert changed.member_number == 1  # kept for good
    entry = db.session.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.from_state, entry.to_state) == (
        f"partnership_{action}",
        status.value,
        target.value,
    )
    assert entry.data["effective_on"] == "2026-12-01"
    [message] = outbox()  # the partner admin of organisation A, not the editor
    assert message.recipient == cast["admin_a"].email
    assert "Umstrukturierung" in message.body


@pytest.mark.parametrize("action", ["pause", "end"])
def test_pause_and_end_need_a_reason(db, cast, action):
    with pytest.raises(PartnershipRefused):
        change_partnership(
            cast["org_a"],
            action,
            effective_on=date(2026, 12, 1),
            reason="  ",
            actor=cast["reviewer"],
        )


def test_reviewer_pauses_through_the_page(client, cast, login_as, db):
    login_as(cast["reviewer"])
    page = client.get(f"/organisationen/{cast['org_a'].id}/status").get_data(as_text=True)
    assert 'value="pause"' in page
    assert 'value="resume"' not in page
    response = client.post(
        f"/organisationen/{cast['org_a'].id}/status",
        data={"action": "pause", "effective_on": "2026-12-01", "reason": "Elternzeit der Leitung"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Partnerschaft ruht" in page or "pausiert" in page
    assert "Elternzeit der Leitung" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "", "effective_on": "2026-12-01", "reason": "x"}, "Bitte wählen Sie"),
        ({"action": "pause", "effective_on": "", "reason": "x"}, "Bitte geben Sie das Datum ein."),
        (
            {"action": "pause", "effective_on": "2026-12-01", "reason": ""},
            "Bitte geben Sie einen Grund an.",
        ),
        (
            {"action": "restart", "effective_on": "2026-12-01", "reason": ""},
            "Keine gültige Auswahl",
        ),
        ({"action": "end", "effective_on": "2026-12-01", "reason": "x" * 2001}, "2000"),
    ],
)
def test_bad_input_is_explained_and_kept(client, cast, login_as, db, data, message):
    login_as(cast["reviewer"])
    response = client.post(f"/organisationen/{cast['org_a'].id}/status", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert 'id="error-summary"' in page
    db.session.expire_all()
    assert db.session.get(Organisation, cast["org_a"].id).status == S.ACTIVE


def test_a_step_that_does_not_fit_the_status_is_a_conflict(client, cast, login_as, db):
    # The page was opened while the partnership was paused; someone resumed it meanwhile.
    cast["reviewer"].locale = "en"
    db.session.commit()
    login_as(cast["reviewer"])
    response = client.post(
        f"/organisationen/{cast['org_a'].id}/status",
        data={"action": "resume", "effective_on": "2026-12-01", "reason": ""},
    )
    assert response.status_code == 409
    assert "This step is not possible now" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organisation, cast["org_a"].id).status == S.ACTIVE


def test_applicants_cannot_be_paused(client, cast, login_as, db):
    cast["org_b"].status = S.APPLICANT
    cast["org_b"].member_number = None
    db.session.commit()
    login_as(cast["reviewer"])
    response = client.post(
        f"/organisationen/{cast['org_b'].id}/status",
        data={"action": "pause", "effective_on": "2026-12-01", "reason": "x"},
    )
    assert response.status_code == 409
