"""The report aggregate: reporting cycles, annual reports, key figures and measure progress."""

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import TimestampMixin, enum_column, utcnow
from portal.models.concept import MeasureStatus
from portal.models.submission import SubmissionMixin


class ReportingCycle(TimestampMixin, db.Model):
    """A reporting cycle (Berichtszeitraum): reports for `year`, due on `due_on` (default
    31 March of the next year); non-reporting after `grace_months` past the due date."""

    __tablename__ = "reporting_cycle"
    __table_args__ = (
        CheckConstraint("due_on > opens_on", name="due_after_opening"),
        CheckConstraint("grace_months >= 0", name="grace_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    opens_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    grace_months: Mapped[int] = mapped_column(Integer, default=6)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # A closed cycle takes no more submissions, except from organisations it was reopened for
    # (CycleExtension.reopened).
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class CycleExtension(TimestampMixin, db.Model):
    """A due date extended for one organisation in one cycle; `reopened` lets that organisation
    submit although the cycle is closed."""

    __tablename__ = "cycle_extension"
    __table_args__ = (UniqueConstraint("cycle_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("reporting_cycle.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    due_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    reopened: Mapped[bool] = mapped_column(Boolean, default=False)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class ReportReminder(db.Model):
    """A reminder e-mail about a cycle's report, recorded so the daily job sends each kind once."""

    __tablename__ = "report_reminder"
    __table_args__ = (UniqueConstraint("cycle_id", "organisation_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("reporting_cycle.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    # e.g. "before_due", "overdue", "non_reporting"
    kind: Mapped[str] = mapped_column(String(30))
    sent_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Report(SubmissionMixin, TimestampMixin, db.Model):
    """The annual report (Jahresbericht) of one organisation for one reporting cycle."""

    __tablename__ = "report"
    __table_args__ = (UniqueConstraint("organisation_id", "cycle_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    cycle_id: Mapped[int] = mapped_column(ForeignKey("reporting_cycle.id", ondelete="RESTRICT"))
    # The concept in force when the report was started; its measures are reported on.
    concept_id: Mapped[int | None] = mapped_column(ForeignKey("concept.id", ondelete="RESTRICT"))
    overall_assessment: Mapped[str] = mapped_column(Text, default="")
    challenges: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    good_practice_story: Mapped[str] = mapped_column(Text, default="")
    share_story: Mapped[bool] = mapped_column(Boolean, default=False)

    organisation: Mapped["Organisation"] = relationship()  # noqa: F821
    cycle: Mapped[ReportingCycle] = relationship()
    concept: Mapped["Concept | None"] = relationship()  # noqa: F821
    values: Mapped[list["ReportValue"]] = relationship(
        back_populates="report", cascade="all, delete-orphan"
    )
    progress: Mapped[list["MeasureProgress"]] = relationship(
        back_populates="report", cascade="all, delete-orphan"
    )

    subject_type = "report"


class ReportValue(db.Model):
    """One key figure of a report: an aggregate count, or "not surveyed"."""

    __tablename__ = "report_value"
    __table_args__ = (
        UniqueConstraint("report_id", "indicator_id"),
        CheckConstraint("value IS NULL OR value >= 0", name="value_non_negative"),
        CheckConstraint(
            "NOT (not_surveyed AND value IS NOT NULL)", name="not_surveyed_has_no_value"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="RESTRICT"))
    value: Mapped[int | None] = mapped_column(Integer)
    not_surveyed: Mapped[bool] = mapped_column(Boolean, default=False)

    report: Mapped[Report] = relationship(back_populates="values")
    indicator: Mapped["Indicator"] = relationship()  # noqa: F821


class MeasureProgress(db.Model):
    """Progress on one measure (identified by its lineage) in one report."""

    __tablename__ = "measure_progress"
    __table_args__ = (UniqueConstraint("report_id", "lineage_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="RESTRICT"))
    lineage_id: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[MeasureStatus] = enum_column(
        MeasureStatus, "measure_status", default=MeasureStatus.NOT_STARTED
    )
    actual_value: Mapped[float | None] = mapped_column(Numeric(12, 2))
    narrative: Mapped[str] = mapped_column(Text, default="")

    report: Mapped[Report] = relationship(back_populates="progress")
    measure: Mapped["Measure"] = relationship()  # noqa: F821
