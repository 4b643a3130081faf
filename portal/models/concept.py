"""The concept aggregate: versions of an organisation's concept of measures, and the measures."""

import enum
import uuid
from datetime import date

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import TimestampMixin
from portal.models.submission import SubmissionMixin


class Concept(SubmissionMixin, TimestampMixin, db.Model):
    """One version of an organisation's concept (Konzept). Version 1 is the application concept;
    amending an approved concept copies it into the next version, which supersedes the old one
    when approved. The concept in force is the approved version with the highest number."""

    __tablename__ = "concept"
    __table_args__ = (
        UniqueConstraint("organisation_id", "version_number"),
        CheckConstraint("version_number > 0", name="version_number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    version_number: Mapped[int] = mapped_column(Integer, default=1)
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("concept.id", ondelete="RESTRICT"))
    initial_situation: Mapped[str] = mapped_column(Text, default="")
    goals: Mapped[str] = mapped_column(Text, default="")
    steering: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped["Organisation"] = relationship()  # noqa: F821
    based_on: Mapped["Concept | None"] = relationship(remote_side=[id])
    measures: Mapped[list["Measure"]] = relationship(
        back_populates="concept", order_by="Measure.position", cascade="all, delete-orphan"
    )

    subject_type = "concept"


def new_lineage_id() -> str:
    return uuid.uuid4().hex


class Measure(TimestampMixin, db.Model):
    """A measure (Maßnahme) of one concept version. `lineage_id` stays the same when a new
    concept version copies the measure, so progress can be followed over the years."""

    __tablename__ = "measure"
    __table_args__ = (
        UniqueConstraint("concept_id", "lineage_id"),
        CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
            name="end_after_start",
        ),
        CheckConstraint(
            "target_year IS NULL OR target_year BETWEEN 2000 AND 2100", name="target_year_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    concept_id: Mapped[int] = mapped_column(
        ForeignKey("concept.id", ondelete="CASCADE"), index=True
    )
    lineage_id: Mapped[str] = mapped_column(String(32), default=new_lineage_id, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    field_of_action_id: Mapped[int] = mapped_column(
        ForeignKey("field_of_action.id", ondelete="RESTRICT")
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    target_group: Mapped[str] = mapped_column(String(300), default="")
    indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicator.id", ondelete="RESTRICT")
    )
    indicator_text: Mapped[str] = mapped_column(String(300), default="")
    baseline: Mapped[float | None] = mapped_column(Numeric(12, 2))
    target_value: Mapped[float | None] = mapped_column(Numeric(12, 2))
    target_year: Mapped[int | None] = mapped_column(Integer)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    responsible_unit: Mapped[str] = mapped_column(String(200), default="")
    share_as_good_practice: Mapped[bool] = mapped_column(Boolean, default=False)

    concept: Mapped[Concept] = relationship(back_populates="measures")
    field_of_action: Mapped["FieldOfAction"] = relationship()  # noqa: F821
    indicator: Mapped["Indicator | None"] = relationship()  # noqa: F821


class MeasureStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    PAUSED = "paused"
    DROPPED = "dropped"
