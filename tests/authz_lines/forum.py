"""Matrix lines of the forum of the members' area.

Organisations A and B are active partners, so all their users and the ministry may use the forum;
visitors are sent to the login page. The topic of the lines is B's: its partner admin wrote the
opening post, so only B's admin may change it and only A's users may report it. Moderation is
for the ministry. Applicants and paused partners (403) are in tests/test_forum_views.py."""

from tests.authz_roles import HOME, LOGIN, everyone, logged_in, ministry_only


def _forum_data(c) -> dict:
    """A topic of B's partner admin with its opening post, and a reply of B's admin that A's
    editor reported; made once per cast (the url builders run after the login)."""
    if "forum" not in c:
        from portal.extensions import db
        from portal.models import PostReport
        from tests.factories import ForumPostFactory, ForumTopicFactory

        topic = ForumTopicFactory(author=c["admin_b"], title="Ein Thema von B")
        post = ForumPostFactory(topic=topic, body="Der erste Beitrag von B")
        reported = ForumPostFactory(topic=topic, body="Eine Antwort von B")
        report = PostReport(post_id=reported.id, reporter_id=c["editor_a"].id, reason="Werbung")
        db.session.add(report)
        db.session.commit()
        c["forum"] = {"topic": topic.id, "post": post.id, "report": report.id}
    return c["forum"]


def _topic(path: str = ""):
    return lambda c: f"/austausch/forum/{_forum_data(c)['topic']}{path}"


def _post(path: str = ""):
    return lambda c: f"/austausch/forum/beitraege/{_forum_data(c)['post']}{path}"


def members(expected=200):
    return logged_in(expected)


def author_b_only(expected=200):
    """Only the author may change a post; moderators hide instead of editing."""
    return {
        "anonymous": LOGIN,
        "editor_a": 403,
        "admin_a": 403,
        "admin_b": expected,
        "reviewer": 403,
        "admin": 403,
    }


def other_partners(expected=200):
    """Reporting B's post: A's users; not B's admin (own post), not the ministry (hides)."""
    return {
        "anonymous": LOGIN,
        "editor_a": expected,
        "admin_a": expected,
        "admin_b": 403,
        "reviewer": 403,
        "admin": 403,
    }


LINES: dict = {
    ("forum.index", "GET"): (lambda c: "/austausch/forum", members(), None),
    ("forum.create_topic", "GET"): (lambda c: "/austausch/forum/neu", members(), None),
    # An empty topic is refused with messages at the fields.
    ("forum.create_topic", "POST"): (lambda c: "/austausch/forum/neu", members(422), {}),
    ("forum.topic", "GET"): (_topic(), members(), None),
    # A post's address leads to its topic.
    ("forum.post", "GET"): (_post(), members(HOME), None),
    # An empty reply is refused with a message.
    ("forum.reply", "POST"): (_topic("/antworten"), members(422), {}),
    ("forum.edit_post", "GET"): (_post("/bearbeiten"), author_b_only(), None),
    ("forum.edit_post", "POST"): (_post("/bearbeiten"), author_b_only(422), {}),
    ("forum.follow", "POST"): (_topic("/folgen"), members(HOME), {}),
    ("forum.unfollow", "POST"): (_topic("/nicht-mehr-folgen"), members(HOME), {}),
    # Without login by design (the link in the e-mail); a made-up token is not found.
    ("forum.unsubscribe", "GET"): (
        lambda c: "/austausch/forum/abbestellen/erfunden",
        everyone(404),
        None,
    ),
    ("forum.hide_post", "GET"): (_post("/ausblenden"), ministry_only(), None),
    # Hiding needs a reason.
    ("forum.hide_post", "POST"): (_post("/ausblenden"), ministry_only(422), {}),
    # The post is not hidden: nothing to show again, the page says so.
    ("forum.unhide_post", "POST"): (_post("/einblenden"), ministry_only(409), {}),
    ("forum.lock_topic", "POST"): (_topic("/sperren"), ministry_only(HOME), {}),
    ("forum.pin_topic", "POST"): (_topic("/anheften"), ministry_only(HOME), {}),
    ("forum.report_post", "GET"): (_post("/melden"), other_partners(), None),
    # A report needs a reason.
    ("forum.report_post", "POST"): (_post("/melden"), other_partners(422), {}),
    ("forum.reports", "GET"): (lambda c: "/austausch/forum/meldungen", ministry_only(), None),
    ("forum.close_report", "POST"): (
        lambda c: f"/austausch/forum/meldungen/{_forum_data(c)['report']}/erledigt",
        ministry_only(HOME),
        {},
    ),
}
