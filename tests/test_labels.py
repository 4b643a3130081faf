"""Every enum value the UI shows has its own label, also where two enums share a value."""

import pytest

from portal.labels import label
from portal.models import (
    EmployeeBand,
    MeasureStatus,
    OrganisationStatus,
    Role,
    Sector,
    SubmissionStatus,
)

ENUMS = [EmployeeBand, MeasureStatus, OrganisationStatus, Role, Sector, SubmissionStatus]


@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__name__)
def test_every_value_has_a_label(app, enum):
    for member in enum:
        assert label(member) != member.value, f"{enum.__name__}.{member.name} has no label"


def test_equal_values_of_different_enums_keep_their_own_labels(app):
    # OrganisationStatus.PAUSED == MeasureStatus.PAUSED == "paused" as strings.
    assert label(OrganisationStatus.PAUSED) == "Partnerschaft ruht"
    assert label(MeasureStatus.PAUSED) != label(OrganisationStatus.PAUSED)
