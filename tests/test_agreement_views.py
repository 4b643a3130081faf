"""The reviewer's form to record the agreement, and the download of the signed PDF."""

import io
from datetime import date, timedelta

import pytest

from portal.models import Organisation, OrganisationStatus, Upload
from tests.test_agreement import PDF, _applicant

pytestmark = pytest.mark.db


def _form(**overrides):
    data = {
        "signed_on": "2026-11-20",
        "ministry_signatory": "Staatssekretär Lorenz Bahr",
        "organisation_signatory": "Landrätin Beispiel",
        "signed_pdf": (io.BytesIO(PDF), "vereinbarung.pdf"),
    }
    data.update(overrides)
    return data


def test_reviewer_records_the_agreement_and_partners_download_it(client, cast, login_as, db, auth):
    applicant = _applicant(db, "Neue Organisation")
    login_as(cast["reviewer"])
    page = client.get(f"/organisationen/{applicant.id}").get_data(as_text=True)
    assert f"/organisationen/{applicant.id}/vereinbarung" in page

    response = client.post(
        f"/organisationen/{applicant.id}/vereinbarung", data=_form(), follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "Partner Nummer 3" in page or "partner number 3" in page
    db.session.expire_all()
    organisation = db.session.get(Organisation, applicant.id)
    assert organisation.status == OrganisationStatus.ACTIVE
    assert organisation.member_number == 3

    download = client.get(f"/organisationen/{applicant.id}/vereinbarung.pdf")
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    assert download.data == PDF
    auth.logout()
    login_as(cast["admin_b"])
    assert client.get(f"/organisationen/{applicant.id}/vereinbarung.pdf").status_code == 403


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"signed_on": ""}, "Bitte geben Sie das Datum der Unterzeichnung ein."),
        ({"signed_on": "31.02.2026"}, "Datum"),
        (
            {"signed_on": (date.today() + timedelta(days=3)).isoformat()},
            "nicht in der Zukunft",
        ),
        ({"ministry_signatory": "  "}, "für das Ministerium"),
        ({"organisation_signatory": "x" * 201}, "200"),
        ({"signed_pdf": (io.BytesIO(b"GIF89a"), "bild.pdf")}, "kein PDF"),
        ({"signed_pdf": (io.BytesIO(b""), "")}, "PDF-Datei"),
    ],
)
def test_bad_input_is_explained_and_kept(client, cast, login_as, db, overrides, message):
    applicant = _applicant(db, "Kandidatin")
    login_as(cast["reviewer"])
    response = client.post(f"/organisationen/{applicant.id}/vereinbarung", data=_form(**overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert 'id="error-summary"' in page
    if "ministry_signatory" not in overrides:
        assert 'value="Staatssekretär Lorenz Bahr"' in page
    db.session.expire_all()
    assert db.session.get(Organisation, applicant.id).status == OrganisationStatus.APPLICANT
    assert db.session.query(Upload).count() == 0


def test_without_approved_concept_the_page_explains_why(client, cast, login_as, db):
    applicant = _applicant(db, "Noch nicht so weit", approved=False)
    login_as(cast["reviewer"])
    page = client.get(f"/organisationen/{applicant.id}/vereinbarung").get_data(as_text=True)
    assert "muss freigegeben sein" in page
    response = client.post(f"/organisationen/{applicant.id}/vereinbarung", data=_form())
    assert response.status_code == 409
    assert db.session.query(Upload).count() == 0


def test_missing_organisation_and_missing_pdf_are_404(client, cast, login_as):
    login_as(cast["reviewer"])
    assert client.get("/organisationen/99999/vereinbarung").status_code == 404
    assert client.get(f"/organisationen/{cast['org_a'].id}/vereinbarung.pdf").status_code == 404
