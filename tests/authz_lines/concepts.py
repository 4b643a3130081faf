"""Matrix lines of the partner's side of the concept.

The URL builders create organisation A's concept (a draft with one measure, unless a line needs
an approved one) the first time they are asked; each matrix test starts from empty tables."""

from portal.extensions import db
from portal.models import SubmissionStatus
from tests import factories
from tests.authz_roles import HOME, LOGIN, org_a_and_ministry


def _concept(cast, status=SubmissionStatus.DRAFT):
    key = f"_concept_{status}"
    if key not in cast:
        concept = factories.ConceptFactory(organisation=cast["org_a"], status=status)
        cast[f"_measure_{status}"] = factories.MeasureFactory(concept=concept)
        db.session.commit()
        cast[key] = concept
    return cast[key]


def _concept_url(suffix="", status=SubmissionStatus.DRAFT):
    return lambda c: f"/konzepte/{_concept(c, status).id}{suffix}"


def _measure_url(suffix=""):
    def build(c):
        concept = _concept(c)
        return f"/konzepte/{concept.id}/massnahmen/{c['_measure_draft'].id}{suffix}"

    return build


def _org_url(suffix, status=None):
    def build(c):
        if status is not None:
            _concept(c, status)
        return f"/organisationen/{c['org_a'].id}/konzept{suffix}"

    return build


def partners_of_a(expected_editor, expected_admin=None):
    """Only organisation A's own people; B and the ministry are refused (the ministry reads but
    never edits partner text)."""
    return {
        "anonymous": LOGIN,
        "editor_a": expected_editor,
        "admin_a": expected_editor if expected_admin is None else expected_admin,
        "admin_b": 403,
        "reviewer": 403,
        "admin": 403,
    }


def partner_admin_of_a(expected):
    return partners_of_a(403, expected)


LINES = {
    ("concepts.overview", "GET"): (_org_url(""), org_a_and_ministry(), None),
    ("concepts.history", "GET"): (
        _org_url("/verlauf", SubmissionStatus.DRAFT),
        org_a_and_ministry(),
        None,
    ),
    # Organisation A has no concept yet: its partner admin starts one.
    ("concepts.start", "POST"): (_org_url("/beginnen"), partner_admin_of_a(HOME), {}),
    ("concepts.amend", "POST"): (
        _org_url("/aendern", SubmissionStatus.APPROVED),
        partner_admin_of_a(HOME),
        {},
    ),
    ("concepts.show", "GET"): (_concept_url(), org_a_and_ministry(), None),
    ("concepts.print", "GET"): (_concept_url("/druck"), org_a_and_ministry(), None),
    ("concepts.check", "GET"): (_concept_url("/pruefen"), org_a_and_ministry(), None),
    # An empty comment is refused with a message at the field.
    ("concepts.comment", "POST"): (_concept_url("/kommentare"), partners_of_a(422), {}),
    ("concepts.edit", "GET"): (_concept_url("/bearbeiten"), partners_of_a(200), None),
    # Without the lock_version of the form, a save cannot prove it is based on the current text.
    ("concepts.edit", "POST"): (_concept_url("/bearbeiten"), partners_of_a(409), {}),
    ("concepts.autosave", "POST"): (_concept_url("/autosave"), partners_of_a(409), {}),
    ("concepts.add_measure", "GET"): (_concept_url("/massnahmen/neu"), partners_of_a(200), None),
    # A measure without a field of action cannot be saved.
    ("concepts.add_measure", "POST"): (_concept_url("/massnahmen/neu"), partners_of_a(422), {}),
    ("concepts.edit_measure", "GET"): (_measure_url(), partners_of_a(200), None),
    ("concepts.edit_measure", "POST"): (_measure_url(), partners_of_a(422), {}),
    # The first post asks "remove it?"; nothing is removed yet.
    ("concepts.remove_measure", "POST"): (_measure_url("/entfernen"), partners_of_a(200), {}),
    ("concepts.move_measure", "POST"): (_measure_url("/verschieben"), partners_of_a(HOME), {}),
    # The draft lacks answers: submitting is refused with the list.
    ("concepts.submit", "POST"): (_concept_url("/einreichen"), partner_admin_of_a(409), {}),
    # A draft cannot be withdrawn.
    ("concepts.withdraw", "POST"): (_concept_url("/zurueckziehen"), partner_admin_of_a(409), {}),
}
