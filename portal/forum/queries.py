"""Read queries of the forum. Each page runs a fixed number of SQL statements whatever the
number of topics, posts or reports: names, organisations and reply counts are joined or counted
in SQL, never loaded one by one."""

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import aliased

from portal import pagination
from portal.extensions import db
from portal.models import (
    FieldOfAction,
    ForumPost,
    ForumTopic,
    Organisation,
    PostReport,
    User,
)
from portal.pagination import RowPagination

PAGE_SIZE = 20


def paginate_rows(statement: Select, page: int) -> RowPagination:
    return pagination.paginate_rows(statement, page, PAGE_SIZE)


def topics(field_of_action_id: int | None = None) -> Select:
    """Rows (topic, author name, organisation name, field of action, reply count): pinned topics
    first, then the most recently active."""
    replies = (
        select(func.count(ForumPost.id))
        .where(ForumPost.topic_id == ForumTopic.id)
        .correlate(ForumTopic)
        .scalar_subquery()
    )
    statement = (
        select(
            ForumTopic,
            User.name.label("author_name"),
            Organisation.name.label("organisation_name"),
            FieldOfAction,
            (replies - 1).label("reply_count"),
        )
        .outerjoin(User, ForumTopic.author_id == User.id)
        .outerjoin(Organisation, User.organisation_id == Organisation.id)
        .outerjoin(FieldOfAction, ForumTopic.field_of_action_id == FieldOfAction.id)
        .order_by(
            ForumTopic.is_pinned.desc(), ForumTopic.last_activity_at.desc(), ForumTopic.id.desc()
        )
    )
    if field_of_action_id is not None:
        statement = statement.where(ForumTopic.field_of_action_id == field_of_action_id)
    return statement


def posts(topic_id: int) -> Select:
    """Rows (post, author name, author's organisation name, author's role), oldest first."""
    return (
        select(
            ForumPost,
            User.name.label("author_name"),
            Organisation.name.label("organisation_name"),
            User.role.label("author_role"),
        )
        .outerjoin(User, ForumPost.author_id == User.id)
        .outerjoin(Organisation, User.organisation_id == Organisation.id)
        .where(ForumPost.topic_id == topic_id)
        .order_by(ForumPost.created_at, ForumPost.id)
    )


def page_of_post(post: ForumPost) -> int:
    """The page of its topic on which a post is shown."""
    before = db.session.scalar(
        select(func.count(ForumPost.id)).where(
            ForumPost.topic_id == post.topic_id,
            or_(
                ForumPost.created_at < post.created_at,
                and_(ForumPost.created_at == post.created_at, ForumPost.id < post.id),
            ),
        )
    )
    return before // PAGE_SIZE + 1


def last_page(topic_id: int) -> int:
    count = db.session.scalar(
        select(func.count(ForumPost.id)).where(ForumPost.topic_id == topic_id)
    )
    return max(1, -(-count // PAGE_SIZE))


def open_reports() -> Select:
    """Rows (report, post, topic title, reporter name, reporter's organisation, author name),
    oldest first: the moderators' work list."""
    reporter = aliased(User)
    author = aliased(User)
    reporter_organisation = aliased(Organisation)
    return (
        select(
            PostReport,
            ForumPost,
            ForumTopic.title.label("topic_title"),
            reporter.name.label("reporter_name"),
            reporter_organisation.name.label("reporter_organisation"),
            author.name.label("author_name"),
        )
        .join(ForumPost, PostReport.post_id == ForumPost.id)
        .join(ForumTopic, ForumPost.topic_id == ForumTopic.id)
        .outerjoin(reporter, PostReport.reporter_id == reporter.id)
        .outerjoin(reporter_organisation, reporter.organisation_id == reporter_organisation.id)
        .outerjoin(author, ForumPost.author_id == author.id)
        .where(PostReport.resolved_at.is_(None))
        .order_by(PostReport.created_at, PostReport.id)
    )


def open_report_count() -> int:
    return db.session.scalar(
        select(func.count(PostReport.id)).where(PostReport.resolved_at.is_(None))
    )


def fields_of_action() -> list[FieldOfAction]:
    return db.session.scalars(
        select(FieldOfAction)
        .where(FieldOfAction.is_active.is_(True))
        .order_by(FieldOfAction.position, FieldOfAction.id)
    ).all()
