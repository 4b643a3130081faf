"""The policy functions, directly: role, organisation and state checked together."""

import pytest
from flask_login import AnonymousUserMixin

from portal import policy
from portal.models import Comment, OrganisationStatus, SubmissionStatus
from tests import factories

pytestmark = pytest.mark.db

ANON = AnonymousUserMixin()


@pytest.fixture
def concept_a(cast, db):
    concept = factories.ConceptFactory(organisation=cast["org_a"])
    db.session.commit()
    return concept


def test_organisation_page_only_for_its_users_and_the_ministry(cast):
    org_a = cast["org_a"]
    assert policy.can_view_organisation(cast["editor_a"], org_a)
    assert policy.can_view_organisation(cast["reviewer"], org_a)
    assert not policy.can_view_organisation(cast["admin_b"], org_a)
    assert not policy.can_view_organisation(ANON, org_a)


def test_only_the_partner_admin_and_the_ministry_manage_an_organisation(cast):
    org_a = cast["org_a"]
    assert policy.can_manage_organisation(cast["admin_a"], org_a)
    assert policy.can_manage_organisation(cast["admin"], org_a)
    assert not policy.can_manage_organisation(cast["editor_a"], org_a)
    assert not policy.can_manage_organisation(cast["admin_b"], org_a)


@pytest.mark.parametrize("status", list(SubmissionStatus))
def test_partners_edit_own_submissions_only_in_editable_states(cast, concept_a, status):
    concept_a.status = status
    editable = status in (SubmissionStatus.DRAFT, SubmissionStatus.CHANGES_REQUESTED)
    assert policy.can_edit(cast["editor_a"], concept_a) is editable
    assert policy.can_edit(cast["admin_a"], concept_a) is editable
    assert policy.can_submit(cast["admin_a"], concept_a) is editable
    assert not policy.can_submit(cast["editor_a"], concept_a)
    assert not policy.can_edit(cast["admin_b"], concept_a)
    # The ministry reviews; it does not write the partner's text.
    assert not policy.can_edit(cast["reviewer"], concept_a)
    assert policy.can_withdraw(cast["admin_a"], concept_a) is (status == SubmissionStatus.SUBMITTED)


def test_submissions_are_seen_by_their_organisation_and_the_ministry(cast, concept_a):
    assert policy.can_view_submission(cast["editor_a"], concept_a)
    assert policy.can_view_submission(cast["admin"], concept_a)
    assert not policy.can_view_submission(cast["admin_b"], concept_a)
    assert not policy.can_view_submission(ANON, concept_a)


def test_internal_comments_never_reach_partners(cast):
    internal = Comment(body="nur intern", is_internal=True)
    visible = Comment(body="für alle", is_internal=False)
    assert not policy.can_view_comment(cast["admin_a"], internal)
    assert policy.can_view_comment(cast["admin_a"], visible)
    assert policy.can_view_comment(cast["reviewer"], internal)


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (OrganisationStatus.ACTIVE, True),
        (OrganisationStatus.APPLICANT, False),
        (OrganisationStatus.PAUSED, False),
        (OrganisationStatus.LEFT, False),
    ],
)
def test_members_area_for_active_partners_and_the_ministry(cast, db, status, allowed):
    cast["org_a"].status = status
    db.session.commit()
    assert policy.can_use_members_area(cast["editor_a"]) is allowed
    assert policy.can_use_members_area(cast["reviewer"])
    assert not policy.can_use_members_area(ANON)


def test_ministry_administration_is_for_admins(cast):
    for check in (
        policy.can_manage_ministry_accounts,
        policy.can_manage_reference_data,
        policy.can_view_audit_log,
    ):
        assert check(cast["admin"])
        assert not check(cast["reviewer"])
        assert not check(cast["admin_a"])
    assert policy.can_review(cast["reviewer"])
    assert not policy.can_review(cast["admin_a"])
