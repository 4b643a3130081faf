"""What concepts and reports share: the workflow status, optimistic locking and review fields."""

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from portal.models.base import enum_column, utcnow


class SubmissionStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"


EDITABLE_STATUSES = frozenset({SubmissionStatus.DRAFT, SubmissionStatus.CHANGES_REQUESTED})


class SubmissionMixin:
    """Columns of a submission. Status changes only through portal.workflow.apply_transition."""

    status: Mapped[SubmissionStatus] = enum_column(
        SubmissionStatus, "submission_status", default=SubmissionStatus.DRAFT
    )
    # Optimistic locking: SQLAlchemy adds "AND lock_version = n" to every UPDATE and raises
    # StaleDataError when someone else saved in between.
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    status_changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)
    changes_requested_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The reminder about a change request left unanswered (sent once per change request).
    reminder_sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    @declared_attr
    def assigned_reviewer_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    @declared_attr
    def assigned_reviewer(cls):
        return relationship("User", foreign_keys=[cls.assigned_reviewer_id])

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.lock_version}

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES
