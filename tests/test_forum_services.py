"""The forum's services: topics, replies, edits, following with e-mail throttling, moderation,
reports, and the unfollow token. The clock is moved by passing `now`."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from portal.forum import services, tokens
from portal.models import (
    AuditEntry,
    FieldOfAction,
    ForumPost,
    ForumTopic,
    OrganisationStatus,
    PostReport,
    TopicFollow,
)
from tests import factories

pytestmark = [pytest.mark.db, pytest.mark.usefixtures("english")]

T0 = datetime(2026, 11, 20, 9, 0)


def _topic(cast, author="admin_a", **kwargs):
    return services.create_topic(
        cast[author],
        title=kwargs.pop("title", "Mehrsprachigkeit im Bürgerbüro"),
        body=kwargs.pop("body", "Wie macht ihr das?"),
        now=kwargs.pop("now", T0),
        **kwargs,
    )


def _follows(db, topic) -> set[int]:
    return set(
        db.session.scalars(select(TopicFollow.user_id).where(TopicFollow.topic_id == topic.id))
    )


def _audit(db, action) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


# --- topics and replies --------------------------------------------------------------------------


def test_a_topic_has_its_opening_post_and_its_author_follows_it(db, cast):
    field = db.session.scalars(select(FieldOfAction)).first()
    topic = _topic(cast, title="  Ein   Titel\nmit Zeilen ", field_of_action_id=field.id)
    db.session.expire_all()
    topic = db.session.get(ForumTopic, topic.id)
    assert topic.title == "Ein Titel mit Zeilen"
    assert topic.field_of_action_id == field.id
    assert [post.body for post in topic.posts] == ["Wie macht ihr das?"]
    assert topic.posts[0].author_id == cast["admin_a"].id
    assert topic.last_activity_at == T0
    assert _follows(db, topic) == {cast["admin_a"].id}


def test_the_author_may_choose_not_to_follow(db, cast):
    topic = _topic(cast, follow=False)
    assert _follows(db, topic) == set()


@pytest.mark.parametrize(
    ("title", "body"),
    [("", "Text"), ("   ", "Text"), ("x" * 151, "Text"), ("Titel", ""), ("Titel", "x" * 10_001)],
)
def test_empty_or_too_long_title_and_text_are_refused(db, cast, title, body):
    with pytest.raises(services.InputRefused):
        _topic(cast, title=title, body=body)
    db.session.rollback()
    assert db.session.query(ForumTopic).count() == 0


def test_the_longest_title_and_text_are_accepted(db, cast):
    topic = _topic(cast, title="x" * 150, body="y" * 10_000)
    assert len(topic.title) == 150


def test_an_unknown_or_inactive_field_of_action_is_refused(db, cast):
    field = db.session.scalars(select(FieldOfAction)).first()
    field.is_active = False
    db.session.commit()
    for field_id in (field.id, 99_999):
        with pytest.raises(services.InputRefused):
            _topic(cast, field_of_action_id=field_id)
        db.session.rollback()


@pytest.mark.parametrize("status", [OrganisationStatus.APPLICANT, OrganisationStatus.PAUSED])
def test_applicants_and_paused_partners_cannot_write(db, cast, status):
    cast["org_a"].status = status
    db.session.commit()
    with pytest.raises(services.ForumForbidden):
        _topic(cast)
    topic = _topic(cast, author="admin_b")
    with pytest.raises(services.ForumForbidden):
        services.reply(topic, cast["editor_a"], "Antwort", now=T0)


def test_a_reply_moves_the_last_activity_and_mails_the_followers(db, cast, outbox):
    topic = _topic(cast)  # admin_a follows
    services.follow(topic, cast["admin_b"])
    services.follow(topic, cast["editor_a"])
    later = T0 + timedelta(minutes=5)
    post = services.reply(topic, cast["editor_a"], "Bei uns mit Dolmetschpool.", now=later)
    db.session.expire_all()
    assert db.session.get(ForumTopic, topic.id).last_activity_at == later
    assert post.created_at == later
    # Every follower except the author of the reply.
    messages = outbox()
    assert sorted(m.recipient for m in messages) == sorted(
        [cast["admin_a"].email, cast["admin_b"].email]
    )
    body = messages[0].body
    assert "Bei uns mit Dolmetschpool." in body
    assert f"http://portal.test/austausch/forum/beitraege/{post.id}" in body
    assert "http://portal.test/austausch/forum/abbestellen/" in body


def test_the_reply_mail_is_in_the_followers_language_and_its_link_unfollows_them(db, cast, outbox):
    cast["admin_b"].locale = "en"
    db.session.commit()
    topic = _topic(cast)
    services.follow(topic, cast["admin_b"])
    services.reply(topic, cast["reviewer"], "Antwort des Ministeriums", now=T0)
    by_recipient = {m.recipient: m for m in outbox()}
    english = by_recipient[cast["admin_b"].email]
    german = by_recipient[cast["admin_a"].email]
    assert english.subject == f"New reply in the forum: {topic.title}"
    assert english.body.startswith(f"Hello {cast['admin_b'].name},")
    assert german.body.startswith(f"Guten Tag {cast['admin_a'].name},")
    token = english.body.split("/abbestellen/")[1].split()[0]
    assert tokens.read_unfollow_token(token) == (cast["admin_b"].id, topic.id)


def test_at_most_one_mail_per_topic_per_hour_per_follower(db, cast, outbox):
    topic = _topic(cast)
    other = _topic(cast, title="Anderes Thema")
    mails_to_a = lambda: [m for m in outbox() if m.recipient == cast["admin_a"].email]  # noqa: E731

    services.reply(topic, cast["admin_b"], "eins", now=T0)
    assert len(mails_to_a()) == 1
    services.reply(topic, cast["admin_b"], "zwei", now=T0 + timedelta(minutes=30))
    services.reply(topic, cast["editor_a"], "drei", now=T0 + timedelta(minutes=59))
    assert len(mails_to_a()) == 1
    # Another topic is counted on its own.
    services.reply(other, cast["admin_b"], "anderswo", now=T0 + timedelta(minutes=59))
    assert len(mails_to_a()) == 2
    services.reply(topic, cast["admin_b"], "vier", now=T0 + timedelta(minutes=60))
    assert len(mails_to_a()) == 3
    assert "vier" in mails_to_a()[-1].body


def test_followers_without_access_and_deactivated_accounts_get_no_mail(db, cast, outbox):
    topic = _topic(cast, author="admin_b")
    services.follow(topic, cast["admin_a"])
    services.follow(topic, cast["reviewer"])
    cast["org_a"].status = OrganisationStatus.PAUSED
    cast["reviewer"].is_active_account = False
    db.session.commit()
    services.reply(topic, cast["admin"], "Antwort", now=T0)
    assert [m.recipient for m in outbox()] == [cast["admin_b"].email]


def test_replies_to_a_locked_topic_are_refused(db, cast, outbox):
    topic = _topic(cast)
    services.toggle_lock(topic, cast["reviewer"])
    with pytest.raises(services.ForumRefused, match="locked"):
        services.reply(topic, cast["admin_b"], "Noch etwas", now=T0)
    db.session.rollback()
    assert db.session.query(ForumPost).count() == 1
    assert outbox() == []


@pytest.mark.parametrize("body", ["", "  \n ", "x" * 10_001])
def test_empty_or_too_long_replies_are_refused(db, cast, body):
    topic = _topic(cast)
    with pytest.raises(services.InputRefused):
        services.reply(topic, cast["admin_b"], body, now=T0)


# --- editing -------------------------------------------------------------------------------------


def test_authors_change_their_post_within_30_minutes(db, cast):
    topic = _topic(cast)
    post = topic.posts[0]
    services.edit_post(post, cast["admin_a"], "Korrigiert", now=T0 + timedelta(minutes=30))
    db.session.expire_all()
    post = db.session.get(ForumPost, post.id)
    assert post.body == "Korrigiert"
    assert post.edited_at == T0 + timedelta(minutes=30)


def test_after_30_minutes_the_post_stays_as_it_is(db, cast):
    post = _topic(cast).posts[0]
    with pytest.raises(services.ForumRefused, match="30 minutes"):
        services.edit_post(post, cast["admin_a"], "Zu spät", now=T0 + timedelta(minutes=31))
    db.session.rollback()
    assert db.session.get(ForumPost, post.id).body == "Wie macht ihr das?"


@pytest.mark.parametrize("editor", ["editor_a", "admin_b", "reviewer", "admin"])
def test_nobody_else_changes_a_post_not_even_moderators(db, cast, editor):
    post = _topic(cast).posts[0]
    with pytest.raises(services.ForumForbidden):
        services.edit_post(post, cast[editor], "Fremd", now=T0)


def test_hidden_posts_and_posts_in_locked_topics_cannot_be_changed(db, cast):
    topic = _topic(cast)
    post = topic.posts[0]
    services.toggle_lock(topic, cast["reviewer"])
    with pytest.raises(services.ForumRefused, match="locked"):
        services.edit_post(post, cast["admin_a"], "Neu", now=T0)
    services.toggle_lock(topic, cast["reviewer"])
    services.hide_post(post, cast["reviewer"], "Werbung", now=T0)
    with pytest.raises(services.ForumRefused, match="hidden"):
        services.edit_post(post, cast["admin_a"], "Neu", now=T0)


def test_an_edit_must_not_empty_the_post(db, cast):
    post = _topic(cast).posts[0]
    with pytest.raises(services.InputRefused):
        services.edit_post(post, cast["admin_a"], "   ", now=T0)


# --- following -----------------------------------------------------------------------------------


def test_following_and_unfollowing_twice_is_harmless(db, cast):
    topic = _topic(cast, follow=False)
    assert services.follow(topic, cast["admin_b"]) is True
    assert services.follow(topic, cast["admin_b"]) is False
    assert _follows(db, topic) == {cast["admin_b"].id}
    assert services.unfollow(topic.id, cast["admin_b"].id) is True
    assert services.unfollow(topic.id, cast["admin_b"].id) is False
    assert _follows(db, topic) == set()


def test_unfollow_tokens_are_signed():
    from portal import create_app

    app = create_app({"SECRET_KEY": "one", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        token = tokens.unfollow_token(7, 12)
        assert tokens.read_unfollow_token(token) == (7, 12)
        assert (
            tokens.read_unfollow_token(token[:-2] + ("AA" if token[-2:] != "AA" else "BB")) is None
        )
        assert tokens.read_unfollow_token("erfunden") is None
        assert tokens.read_unfollow_token("") is None
        # Signed with the same key for another purpose: not an unfollow token.
        from itsdangerous import URLSafeSerializer

        other = URLSafeSerializer("one", salt="password-reset").dumps({"user": 7, "topic": 12})
        assert tokens.read_unfollow_token(other) is None
        wrong_shape = URLSafeSerializer("one", salt=tokens.SALT).dumps([7, 12])
        assert tokens.read_unfollow_token(wrong_shape) is None
    other_app = create_app({"SECRET_KEY": "two", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with other_app.app_context():
        assert tokens.read_unfollow_token(token) is None


# --- moderation ----------------------------------------------------------------------------------


def test_moderators_hide_a_post_with_a_reason(db, cast, outbox):
    topic = _topic(cast)
    post = services.reply(topic, cast["admin_b"], "Kauft unsere Software!", now=T0)
    services.report_post(post, cast["editor_a"], "Werbung", now=T0)
    before = len(outbox())
    services.hide_post(post, cast["reviewer"], "Werbung ist im Forum nicht erlaubt.", now=T0)
    db.session.expire_all()
    post = db.session.get(ForumPost, post.id)
    assert post.is_hidden and post.hidden_reason == "Werbung ist im Forum nicht erlaubt."
    assert post.hidden_by_id == cast["reviewer"].id
    [entry] = _audit(db, "forum_post_hidden")
    assert entry.actor_id == cast["reviewer"].id
    assert entry.object_id == post.id
    assert entry.organisation_id == cast["org_b"].id
    assert entry.comment == "Werbung ist im Forum nicht erlaubt."
    # The report is dealt with.
    assert db.session.scalars(select(PostReport)).one().resolved_at == T0
    [mail] = outbox()[before:]
    assert mail.recipient == cast["admin_b"].email
    assert "Werbung ist im Forum nicht erlaubt." in mail.body


@pytest.mark.parametrize("who", ["editor_a", "admin_a", "admin_b"])
def test_partners_do_not_moderate(db, cast, who):
    topic = _topic(cast, author="admin_b")
    post = topic.posts[0]
    with pytest.raises(services.ForumForbidden):
        services.hide_post(post, cast[who], "Grund", now=T0)
    with pytest.raises(services.ForumForbidden):
        services.toggle_lock(topic, cast[who])
    with pytest.raises(services.ForumForbidden):
        services.toggle_pin(topic, cast[who])


def test_hiding_needs_a_reason_and_happens_once(db, cast):
    post = _topic(cast).posts[0]
    with pytest.raises(services.InputRefused):
        services.hide_post(post, cast["reviewer"], "  ", now=T0)
    services.hide_post(post, cast["reviewer"], "Grund", now=T0)
    with pytest.raises(services.ForumRefused, match="already"):
        services.hide_post(post, cast["admin"], "Nochmal", now=T0)


def test_moderators_show_a_hidden_post_again(db, cast):
    post = _topic(cast).posts[0]
    with pytest.raises(services.ForumRefused, match="not hidden"):
        services.unhide_post(post, cast["reviewer"])
    services.hide_post(post, cast["reviewer"], "Grund", now=T0)
    services.unhide_post(post, cast["admin"])
    db.session.expire_all()
    post = db.session.get(ForumPost, post.id)
    assert not post.is_hidden and post.hidden_reason == "" and post.hidden_by_id is None
    [entry] = _audit(db, "forum_post_unhidden")
    assert entry.actor_id == cast["admin"].id


def test_lock_and_pin_toggle_and_are_audited(db, cast):
    topic = _topic(cast)
    assert services.toggle_lock(topic, cast["reviewer"]) is True
    assert services.toggle_lock(topic, cast["reviewer"]) is False
    assert services.toggle_pin(topic, cast["admin"]) is True
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["forum_topic_locked", "forum_topic_unlocked", "forum_topic_pinned"]


# --- reports -------------------------------------------------------------------------------------


def test_a_report_reaches_the_reviewers(db, cast, outbox):
    second_reviewer = factories.UserFactory(role="reviewer", organisation=None)
    db.session.commit()
    post = _topic(cast, author="admin_b").posts[0]
    report = services.report_post(post, cast["editor_a"], "Beleidigend", now=T0)
    assert report.resolved_at is None
    recipients = sorted(m.recipient for m in outbox())
    assert recipients == sorted([cast["reviewer"].email, second_reviewer.email])
    assert "Beleidigend" in outbox()[0].body
    assert "/austausch/forum/meldungen" in outbox()[0].body
    [entry] = _audit(db, "forum_post_reported")
    assert entry.actor_id == cast["editor_a"].id and entry.comment == "Beleidigend"


def test_one_open_report_per_post_and_person(db, cast, outbox):
    post = _topic(cast, author="admin_b").posts[0]
    services.report_post(post, cast["editor_a"], "Erster Grund", now=T0)
    with pytest.raises(services.ForumRefused, match="already reported"):
        services.report_post(post, cast["editor_a"], "Zweiter Grund", now=T0)
    db.session.rollback()
    # Someone else may report it too.
    services.report_post(post, cast["admin_a"], "Auch", now=T0)
    assert db.session.query(PostReport).count() == 2


def test_after_a_report_was_closed_the_person_can_report_again(db, cast):
    post = _topic(cast, author="admin_b").posts[0]
    report = services.report_post(post, cast["editor_a"], "Erster Grund", now=T0)
    services.close_report(report, cast["reviewer"], now=T0)
    with pytest.raises(services.ForumRefused, match="already been closed"):
        services.close_report(report, cast["reviewer"], now=T0)
    again = services.report_post(post, cast["editor_a"], "Wieder", now=T0 + timedelta(days=1))
    assert again.id == report.id
    assert again.resolved_at is None and again.reason == "Wieder"
    assert len(_audit(db, "forum_report_closed")) == 1


def test_who_cannot_report(db, cast):
    post = _topic(cast, author="admin_b").posts[0]
    for who in ("admin_b", "reviewer", "admin"):  # own post; the ministry hides instead
        with pytest.raises(services.ForumForbidden):
            services.report_post(post, cast[who], "Grund", now=T0)
    with pytest.raises(services.InputRefused):
        services.report_post(post, cast["editor_a"], "", now=T0)
    services.hide_post(post, cast["reviewer"], "Grund", now=T0)
    with pytest.raises(services.ForumRefused, match="already hidden"):
        services.report_post(post, cast["editor_a"], "Grund", now=T0)
    with pytest.raises(services.ForumForbidden):
        services.close_report(PostReport(post_id=post.id), cast["admin_a"])
