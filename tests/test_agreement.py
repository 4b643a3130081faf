"""Recording the partnership agreement: member numbers unique and gapless, also when several
reviewers record agreements at the same moment; PDF uploads checked by content."""

import io
import threading
from datetime import date

import pytest
from sqlalchemy import select

from portal.extensions import db as _db
from portal.models import (
    Agreement,
    AuditEntry,
    Organisation,
    OrganisationStatus,
    SubmissionStatus,
    Upload,
)
from portal.partners.services import PartnershipRefused, record_agreement
from portal.uploads import UploadRefused, check_pdf, path_of, store_pdf
from tests import factories

pytestmark = pytest.mark.db

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class FakeFile(io.BytesIO):
    def __init__(self, data: bytes, filename: str = "vereinbarung.pdf"):
        super().__init__(data)
        self.filename = filename


def _applicant(db, name, approved=True):
    organisation = factories.OrganisationFactory(
        name=name, status=OrganisationStatus.APPLICANT, member_number=None, member_since=None
    )
    factories.UserFactory(role="partner_admin", organisation=organisation)
    factories.ConceptFactory(
        organisation=organisation,
        status=SubmissionStatus.APPROVED if approved else SubmissionStatus.SUBMITTED,
    )
    db.session.commit()
    return organisation


def _record(organisation, actor, pdf=None):
    return record_agreement(
        organisation,
        signed_on=date(2026, 11, 20),
        ministry_signatory="Staatssekretär Lorenz Bahr",
        organisation_signatory="Landrätin Beispiel",
        signed_pdf=pdf,
        actor=actor,
    )


def test_recording_makes_the_applicant_the_next_member(db, cast, outbox):
    applicant = _applicant(db, "Neue Organisation")
    pdf = store_pdf(FakeFile(PDF), organisation_id=applicant.id, uploaded_by=cast["reviewer"])
    _record(applicant, cast["reviewer"], pdf)
    db.session.expire_all()
    organisation = db.session.get(Organisation, applicant.id)
    # The cast holds member numbers 1 and 2.
    assert organisation.member_number == 3
    assert organisation.status == OrganisationStatus.ACTIVE
    assert organisation.member_since == date(2026, 11, 20)
    agreement = organisation.agreement
    assert agreement.ministry_signatory == "Staatssekretär Lorenz Bahr"
    assert agreement.signed_pdf.sha256
    assert path_of(agreement.signed_pdf).read_bytes() == PDF
    entry = db.session.scalars(select(AuditEntry).filter_by(action="agreement_recorded")).one()
    assert entry.data["member_number"] == "3"
    [message] = outbox()
    assert "3" in message.subject


@pytest.mark.parametrize(
    ("status", "approved"),
    [(OrganisationStatus.APPLICANT, False), (OrganisationStatus.ACTIVE, True)],
)
def test_refused_without_approved_concept_or_for_a_member(db, cast, outbox, status, approved):
    applicant = _applicant(db, "Kandidat", approved=approved)
    if status == OrganisationStatus.ACTIVE:
        applicant.status = status
        applicant.member_number = 50
        db.session.commit()
    with pytest.raises(PartnershipRefused):
        _record(applicant, cast["reviewer"])
    db.session.rollback()
    assert db.session.query(Agreement).count() == 0
    assert outbox() == []


def test_numbers_are_gapless_and_unique_under_concurrency(app, db, cast):
    """Eight reviewers record eight agreements at the same moment, each in its own session."""
    applicants = [_applicant(db, f"Gleichzeitig {n}") for n in range(8)]
    reviewer_id = cast["reviewer"].id
    ids = [a.id for a in applicants]
    db.session.remove()
    barrier = threading.Barrier(len(ids))
    errors = []

    def record(organisation_id):
        with app.app_context():
            try:
                from portal.models import User

                reviewer = _db.session.get(User, reviewer_id)
                organisation = _db.session.get(Organisation, organisation_id)
                barrier.wait(timeout=10)
                _record(organisation, reviewer)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(repr(error))
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=record, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    numbers = sorted(
        db.session.scalars(select(Organisation.member_number).where(Organisation.id.in_(ids)))
    )
    assert numbers == list(range(3, 11))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "leer"),
        (b"GIF89a not a pdf at all", "kein PDF"),
        (b"%PDF-1.4 but cut off", "kein PDF"),
        (b"MZ\x90\x00 an executable renamed to .pdf %%EOF", "kein PDF"),
    ],
)
def test_only_real_pdfs_are_accepted(app, data, message):
    with pytest.raises(UploadRefused) as refused:
        check_pdf(data)
    assert message in str(refused.value)


def test_oversized_files_are_refused_and_nothing_is_stored(app, db, cast):
    big = PDF[:-7] + b"0" * (10 * 1024 * 1024) + b"\n%%EOF\n"
    with pytest.raises(UploadRefused) as refused:
        store_pdf(FakeFile(big), organisation_id=None, uploaded_by=cast["reviewer"])
    assert "10 MB" in str(refused.value)
    assert db.session.query(Upload).count() == 0


def test_a_new_partner_gets_the_report_of_the_open_cycle(db, cast, outbox):
    from portal.models import Report
    from portal.reports.cycles import close_cycle, open_cycle

    closed = open_cycle(2025, opens_on=date(2026, 1, 5), actor=cast["reviewer"])
    close_cycle(closed, actor=cast["reviewer"])
    current = open_cycle(2026, opens_on=date(2026, 11, 1), actor=cast["reviewer"])
    applicant = _applicant(db, "Neu im Berichtsjahr")
    _record(applicant, cast["reviewer"])
    reports = db.session.scalars(select(Report).where(Report.organisation_id == applicant.id)).all()
    assert [report.cycle_id for report in reports] == [current.id]
    subjects = [m.subject for m in outbox() if m.recipient.startswith("person")]
    assert any("2026" in subject for subject in subjects)
