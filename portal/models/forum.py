"""The forum of the members' exchange: topics, posts and who follows which topic."""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import TimestampMixin, utcnow


class ForumTopic(TimestampMixin, db.Model):
    __tablename__ = "forum_topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    field_of_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("field_of_action.id", ondelete="SET NULL")
    )
    last_activity_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    is_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    is_pinned: Mapped[bool] = mapped_column(Boolean, default=False)

    author: Mapped["User | None"] = relationship()  # noqa: F821
    field_of_action: Mapped["FieldOfAction | None"] = relationship()  # noqa: F821
    posts: Mapped[list["ForumPost"]] = relationship(
        back_populates="topic", order_by="ForumPost.created_at"
    )


class ForumPost(TimestampMixin, db.Model):
    __tablename__ = "forum_post"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("forum_topic.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime)
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    topic: Mapped[ForumTopic] = relationship(back_populates="posts")
    author: Mapped["User | None"] = relationship(foreign_keys=[author_id])  # noqa: F821


class TopicFollow(TimestampMixin, db.Model):
    """A user following a topic gets e-mail on replies, at most one per topic per hour."""

    __tablename__ = "topic_follow"
    __table_args__ = (UniqueConstraint("topic_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("forum_topic.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    last_notified_at: Mapped[datetime | None] = mapped_column(DateTime)


class PostReport(TimestampMixin, db.Model):
    """A partner reporting a post to the moderators."""

    __tablename__ = "post_report"
    __table_args__ = (UniqueConstraint("post_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("forum_post.id", ondelete="CASCADE"), index=True
    )
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
