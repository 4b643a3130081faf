"""Review comments on concepts and reports: visible to the partner, or internal to the ministry."""

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import TimestampMixin


class Comment(TimestampMixin, db.Model):
    __tablename__ = "comment"
    __table_args__ = (
        CheckConstraint("(concept_id IS NULL) <> (report_id IS NULL)", name="one_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    concept_id: Mapped[int | None] = mapped_column(
        ForeignKey("concept.id", ondelete="CASCADE"), index=True
    )
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("report.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    # Internal comments are for the ministry only and never reach a partner.
    is_internal: Mapped[bool] = mapped_column(Boolean, default=False)
    # A comment on one measure names the measure's lineage, so it still points at the measure in
    # later versions of the concept (and survives the measure being removed from a draft).
    measure_lineage_id: Mapped[str | None] = mapped_column(String(32), index=True)
    # An answer to another comment (a partner answering the reviewer, or the reverse).
    reply_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), index=True
    )

    author: Mapped["User | None"] = relationship()  # noqa: F821
    reply_to: Mapped["Comment | None"] = relationship(remote_side=[id])
