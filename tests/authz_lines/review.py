"""Matrix lines of the ministry's review of concepts and reports.

The review pages and their forms need a submission: `_submitted_concept_of_a` and
`_submitted_report_of_a` create a submitted concept or annual report of organisation A (the
cast's partner) for each check. Empty POSTs are refused with messages (422) for the ministry,
and never reach a partner (403), not even organisation A's own people."""

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import ReportingCycle, SubmissionStatus, utcnow
from tests import factories
from tests.authz_roles import ministry_only


def _submitted_concept_of_a(cast) -> int:
    concept = factories.ConceptFactory(
        organisation=cast["org_a"], status=SubmissionStatus.SUBMITTED
    )
    factories.MeasureFactory(concept=concept)
    db.session.commit()
    return concept.id


def _submitted_report_of_a(cast) -> int:
    year = (db.session.scalar(select(func.max(ReportingCycle.year))) or 2020) + 1
    report = factories.ReportFactory(
        organisation=cast["org_a"],
        cycle=factories.ReportingCycleFactory(year=year),
        status=SubmissionStatus.SUBMITTED,
        submitted_at=utcnow(),
    )
    db.session.commit()
    return report.id


LINES = {
    ("review.queue", "GET"): (lambda c: "/ministerium/pruefung", ministry_only(), None),
    ("review.concept", "GET"): (
        lambda c: f"/ministerium/konzepte/{_submitted_concept_of_a(c)}",
        ministry_only(),
        None,
    ),
    ("review.assign", "POST"): (
        lambda c: f"/ministerium/konzepte/{_submitted_concept_of_a(c)}/zuweisen",
        ministry_only(422),
        {},
    ),
    ("review.comment", "POST"): (
        lambda c: f"/ministerium/konzepte/{_submitted_concept_of_a(c)}/kommentare",
        ministry_only(422),
        {},
    ),
    ("review.decide", "POST"): (
        lambda c: f"/ministerium/konzepte/{_submitted_concept_of_a(c)}/entscheidung",
        ministry_only(422),
        {},
    ),
    ("review.report", "GET"): (
        lambda c: f"/ministerium/berichte/{_submitted_report_of_a(c)}",
        ministry_only(),
        None,
    ),
    ("review.assign_report", "POST"): (
        lambda c: f"/ministerium/berichte/{_submitted_report_of_a(c)}/zuweisen",
        ministry_only(422),
        {},
    ),
    ("review.comment_report", "POST"): (
        lambda c: f"/ministerium/berichte/{_submitted_report_of_a(c)}/kommentare",
        ministry_only(422),
        {},
    ),
    ("review.decide_report", "POST"): (
        lambda c: f"/ministerium/berichte/{_submitted_report_of_a(c)}/entscheidung",
        ministry_only(422),
        {},
    ),
}
