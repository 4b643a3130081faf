"""SQLAlchemy models, one module per aggregate. Import from here: `from portal.models import User`."""

from portal.models.audit import AuditEntry
from portal.models.base import utcnow
from portal.models.catalog import FieldOfAction, Indicator
from portal.models.concept import Concept, Measure, MeasureStatus
from portal.models.forum import ForumPost, ForumTopic, PostReport, TopicFollow
from portal.models.mail import OutboxMessage, OutboxStatus
from portal.models.organisation import (
    Agreement,
    EmployeeBand,
    Organisation,
    OrganisationStatus,
    Sector,
)
from portal.models.report import (
    CycleExtension,
    MeasureProgress,
    Report,
    ReportingCycle,
    ReportReminder,
    ReportValue,
)
from portal.models.review import Comment
from portal.models.submission import EDITABLE_STATUSES, SubmissionStatus
from portal.models.upload import Upload
from portal.models.user import (
    MINISTRY_ROLES,
    PARTNER_ROLES,
    AccountToken,
    Role,
    TokenPurpose,
    User,
)

__all__ = [
    "EDITABLE_STATUSES",
    "MINISTRY_ROLES",
    "PARTNER_ROLES",
    "AccountToken",
    "Agreement",
    "AuditEntry",
    "Comment",
    "Concept",
    "CycleExtension",
    "EmployeeBand",
    "FieldOfAction",
    "ForumPost",
    "ForumTopic",
    "Indicator",
    "Measure",
    "MeasureProgress",
    "MeasureStatus",
    "Organisation",
    "PostReport",
    "ReportReminder",
    "OrganisationStatus",
    "OutboxMessage",
    "OutboxStatus",
    "Report",
    "ReportValue",
    "ReportingCycle",
    "Role",
    "Sector",
    "SubmissionStatus",
    "TokenPurpose",
    "TopicFollow",
    "Upload",
    "User",
    "utcnow",
]
