"""The forum's pages: list, topic, writing, editing, following, the unsubscribe link, moderation
and reports, who gets in, bad input and constant query counts.

The cast reads the portal in English here, so the assertions do not depend on the German catalog
(filled later); mails to German users are checked by their German greeting."""

import re
from datetime import timedelta

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
    utcnow,
)
from tests import factories

pytestmark = pytest.mark.db

FORUM = "/austausch/forum"
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>"><svg onload=alert(2)>'
SCRIPT_ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


@pytest.fixture
def english(db, cast):
    for role in ("editor_a", "admin_a", "admin_b", "reviewer", "admin"):
        cast[role].locale = "en"
    db.session.commit()
    return cast


def _topic(cast, author="admin_a", title="Mehrsprachigkeit im Bürgerbüro", body="Wie?", **kw):
    return services.create_topic(cast[author], title=title, body=body, **kw)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _forum_audit(db) -> list[str]:
    """The forum's audit actions, oldest first (logins are audited too)."""
    return db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.action.startswith("forum_"))
        .order_by(AuditEntry.id)
    ).all()


# --- who gets in ---------------------------------------------------------------------------------


def test_visitors_are_sent_to_the_login(client, cast):
    response = client.get(FORUM)
    assert response.status_code == 302
    assert "/anmelden" in response.headers["Location"]


@pytest.mark.parametrize(
    ("status", "why"),
    [
        (OrganisationStatus.APPLICANT, "is applying to become a partner"),
        (OrganisationStatus.PAUSED, "is paused"),
        (OrganisationStatus.LEFT, "is not a partner of the initiative"),
    ],
)
def test_applicants_paused_and_former_partners_are_refused_with_a_reason(
    client, english, login_as, db, status, why
):
    topic = _topic(english, author="admin_b")
    english["org_a"].status = status
    db.session.commit()
    for role in ("editor_a", "admin_a"):
        login_as(english[role])
        for method, url in [
            ("GET", FORUM),
            ("GET", f"{FORUM}/{topic.id}"),
            ("GET", f"{FORUM}/neu"),
            ("POST", f"{FORUM}/{topic.id}/antworten"),
            ("POST", f"{FORUM}/{topic.id}/folgen"),
        ]:
            response = client.open(url, method=method, data={"body": "Hallo"})
            assert response.status_code == 403, (role, method, url)
            page = _text(response)
            assert "No access to the forum" in page
            assert why in page and "Organisation A" in page
        client.post("/abmelden")
    assert db.session.query(ForumPost).count() == 1
    assert db.session.query(TopicFollow).filter_by(user_id=english["admin_a"].id).count() == 0


# --- the list ------------------------------------------------------------------------------------


def test_the_list_shows_topics_pinned_first_then_by_last_activity(client, english, login_as, db):
    now = utcnow()
    old = _topic(english, title="Altes Thema", now=now - timedelta(days=3))
    pinned = _topic(english, author="admin_b", title="Angeheftet", now=now - timedelta(days=9))
    fresh = _topic(english, title="Neues Thema", now=now - timedelta(days=1))
    services.reply(old, english["admin_b"], "eins", now=now - timedelta(hours=2))
    services.reply(old, english["editor_a"], "zwei", now=now - timedelta(hours=1))
    services.toggle_pin(pinned, english["reviewer"])
    login_as(english["editor_a"])
    page = _text(client.get(FORUM))
    assert page.index("Angeheftet") < page.index("Altes Thema") < page.index("Neues Thema")
    rows = re.findall(r'<tr class="kern-table__row">(.*?)</tr>', page, re.S)[1:]
    first_old = next(row for row in rows if "Altes Thema" in row)
    assert ">2</td>" in first_old  # two replies, the opening post not counted
    assert english["admin_a"].name in first_old and "Organisation A" in first_old
    assert "Pinned" in next(row for row in rows if "Angeheftet" in row)
    assert f'href="/austausch/forum/{fresh.id}"' in page
    assert "3 topics" in page


def test_the_list_filters_by_field_of_action(client, english, login_as, db):
    fields = db.session.scalars(select(FieldOfAction).order_by(FieldOfAction.id)).all()
    _topic(english, title="Mit Handlungsfeld", field_of_action_id=fields[0].id)
    _topic(english, title="Ohne Handlungsfeld")
    login_as(english["admin_b"])
    page = _text(client.get(f"{FORUM}?field_of_action={fields[0].id}"))
    assert "Mit Handlungsfeld" in page and "Ohne Handlungsfeld" not in page
    assert fields[0].name_en in page
    page = _text(client.get(f"{FORUM}?field_of_action={fields[1].id}"))
    assert "There is no topic in this field of action yet." in page
    # Nonsense in the filter is explained and ignored, never a 500.
    response = client.get(f"{FORUM}?field_of_action=abc")
    assert response.status_code == 200
    assert "Choose one of the options in the list." in _text(response)
    assert "Mit Handlungsfeld" in _text(response) and "Ohne Handlungsfeld" in _text(response)


def test_an_empty_forum_says_what_to_do(client, english, login_as):
    login_as(english["editor_a"])
    page = _text(client.get(FORUM))
    assert "There are no topics yet." in page
    assert 'href="/austausch/forum/neu"' in page


@pytest.mark.parametrize("page", ["2", "999999999999", "-3", "abc"])
def test_pages_past_the_end_are_empty_and_say_so(client, english, login_as, page):
    _topic(english)
    login_as(english["editor_a"])
    response = client.get(f"{FORUM}?page={page}")
    assert response.status_code == 200
    text = _text(response)
    if page in ("2", "999999999999"):
        assert "This page is empty: the list has only 1 page." in text
    else:
        assert "Mehrsprachigkeit im Bürgerbüro" in text


def _topics_with_replies(db, cast, n):
    organisations = [cast["org_a"], cast["org_b"]]
    for i in range(n):
        author = factories.UserFactory(organisation=organisations[i % 2])
        topic = factories.ForumTopicFactory(author=author)
        factories.ForumPostFactory(topic=topic)
        for _ in range(i % 3):
            factories.ForumPostFactory(topic=topic, author=cast["admin_b"])
    db.session.commit()


def test_the_list_runs_the_same_number_of_queries_for_3_and_30_topics(
    client, english, login_as, db, count_queries
):
    login_as(english["editor_a"])
    _topics_with_replies(db, english, 3)
    with count_queries() as small:
        assert client.get(FORUM).status_code == 200
    _topics_with_replies(db, english, 27)
    with count_queries() as large:
        page = _text(client.get(FORUM))
    assert "30 topics" in page
    assert small.count == large.count, (small.statements, large.statements)
    print(f"forum list: {small.count} queries for 3 topics, {large.count} for 30")


def test_the_ministry_sees_the_open_reports_on_the_list(client, english, login_as):
    post = _topic(english, author="admin_b").posts[0]
    services.report_post(post, english["editor_a"], "Werbung")
    login_as(english["reviewer"])
    page = _text(client.get(FORUM))
    assert "1 post reported to the moderators is waiting for you." in page
    client.post("/abmelden")
    login_as(english["admin_a"])
    assert "reported to the moderators" not in _text(client.get(FORUM))


# --- starting a topic ----------------------------------------------------------------------------


def test_a_partner_starts_a_topic_and_follows_it(client, english, login_as, db):
    field = db.session.scalars(select(FieldOfAction)).first()
    login_as(english["editor_a"])
    form = _text(client.get(f"{FORUM}/neu"))
    assert re.search(r'<input [^>]*\bchecked\b[^>]*id="follow"', form)  # following is the default
    response = client.post(
        f"{FORUM}/neu",
        data={
            "title": "Ausbildung: Erfahrungen?",
            "field_of_action": str(field.id),
            "body": "Erster Absatz\n\nZweiter mit https://example.org",
            "follow": "y",
        },
    )
    topic = db.session.scalars(select(ForumTopic)).one()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/austausch/forum/{topic.id}")
    page = _text(client.get(response.headers["Location"]))
    assert "Your topic is published." in page
    assert "<p>Erster Absatz</p>" in page
    assert '<a href="https://example.org" rel="nofollow noopener" class="kern-link">' in page
    assert "You follow this topic" in page
    assert db.session.query(TopicFollow).filter_by(user_id=english["editor_a"].id).count() == 1


def test_without_the_checkbox_the_author_does_not_follow(client, english, login_as, db):
    login_as(english["editor_a"])
    client.post(f"{FORUM}/neu", data={"title": "T", "body": "B"})
    assert db.session.query(ForumTopic).count() == 1
    assert db.session.query(TopicFollow).count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "body": "Text"}, "Please enter a title."),
        ({"title": "   ", "body": "Text"}, "Please enter a title."),
        ({"title": "x" * 151, "body": "Text"}, "Please shorten the title to 150 characters."),
        ({"title": "Titel", "body": ""}, "Please write a text."),
        ({"title": "Titel", "body": "x" * 10_001}, "Please shorten the text to 10000 characters."),
        ({"title": "Titel", "body": "Text", "field_of_action": "99999"}, "Choose one of"),
        ({"title": "Titel", "body": "Text", "field_of_action": "abc"}, "Choose one of"),
    ],
)
def test_bad_input_when_starting_a_topic_is_explained_and_kept(
    client, english, login_as, db, data, message
):
    login_as(english["editor_a"])
    response = client.post(f"{FORUM}/neu", data=data)
    page = _text(response)
    assert response.status_code == 422
    assert message in page
    assert 'id="error-summary"' in page
    if data["title"].strip() and len(data["title"]) <= 150:
        assert f'value="{data["title"]}"' in page
    if 0 < len(data["body"]) <= 100:
        assert f"{data['body']}</textarea>" in page
    assert db.session.query(ForumTopic).count() == 0


def test_html_in_title_and_text_is_shown_escaped_everywhere(client, english, login_as, db, outbox):
    login_as(english["editor_a"])
    response = client.post(f"{FORUM}/neu", data={"title": SCRIPT[:150], "body": SCRIPT})
    assert response.status_code == 302
    topic = db.session.scalars(select(ForumTopic)).one()
    services.follow(topic, english["admin_b"])
    for url in (FORUM, f"{FORUM}/{topic.id}", f"{FORUM}/{topic.id}?zitat={topic.posts[0].id}"):
        page = _text(client.get(url))
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "<svg onload" not in page
        assert "&lt;script&gt;" in page
    assert SCRIPT_ESCAPED in _text(client.get(f"{FORUM}/{topic.id}"))
    # A 422 form shows typed HTML escaped too.
    page = _text(client.post(f"{FORUM}/neu", data={"title": SCRIPT, "body": ""}))
    assert "<script>alert" not in page and "&lt;script&gt;" in page


# --- a topic and its posts -----------------------------------------------------------------------


def test_posts_are_shown_oldest_first_with_their_authors(client, english, login_as):
    topic = _topic(english, body="Frage")
    services.reply(topic, english["admin_b"], "Antwort von B")
    services.reply(topic, english["reviewer"], "Antwort des Ministeriums")
    login_as(english["editor_a"])
    page = _text(client.get(f"{FORUM}/{topic.id}"))
    assert page.index("Frage") < page.index("Antwort von B") < page.index("Antwort des Min")
    assert f"{english['admin_b'].name}, Organisation B" in page
    assert f"{english['reviewer'].name}, Ministry" in page
    assert 'action="/austausch/forum/' + str(topic.id) + '/antworten"' in page


def test_posts_paginate_and_a_post_address_leads_to_its_page(client, english, login_as, db):
    topic = _topic(english, body="Beitrag 0")
    start = utcnow()
    for i in range(1, 25):
        services.reply(topic, english["admin_b"], f"Beitrag {i}", now=start + timedelta(seconds=i))
    login_as(english["editor_a"])
    first = _text(client.get(f"{FORUM}/{topic.id}"))
    assert "Beitrag 19<" in first and "Beitrag 20<" not in first
    second = _text(client.get(f"{FORUM}/{topic.id}?page=2"))
    assert "Beitrag 20<" in second and "Beitrag 24<" in second
    last = db.session.scalars(select(ForumPost).where(ForumPost.body == "Beitrag 24")).one()
    response = client.get(f"{FORUM}/beitraege/{last.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/{topic.id}?page=2#beitrag-{last.id}")
    empty = client.get(f"{FORUM}/{topic.id}?page=7")
    assert empty.status_code == 200
    assert "This page is empty: the topic has only 2 pages." in _text(empty)


def test_the_topic_page_runs_the_same_number_of_queries_for_5_and_50_posts(
    client, english, login_as, db, count_queries
):
    topic = factories.ForumTopicFactory(author=english["admin_a"])
    db.session.commit()
    authors = [english["admin_a"], english["admin_b"], english["reviewer"], english["editor_a"]]

    def add_posts(n):
        for i in range(n):
            factories.ForumPostFactory(topic=topic, author=authors[i % 4])
        db.session.commit()

    login_as(english["editor_a"])
    add_posts(5)
    with count_queries() as small:
        assert client.get(f"{FORUM}/{topic.id}").status_code == 200
    add_posts(45)
    with count_queries() as large:
        assert client.get(f"{FORUM}/{topic.id}").status_code == 200
    assert small.count == large.count, (small.statements, large.statements)
    print(f"topic page: {small.count} queries for 5 posts, {large.count} for 50")


def test_missing_topics_and_posts_are_404(client, english, login_as):
    login_as(english["editor_a"])
    for url in (f"{FORUM}/999", f"{FORUM}/beitraege/999", f"{FORUM}/beitraege/999/melden"):
        assert client.get(url).status_code == 404
    assert client.post(f"{FORUM}/999/antworten", data={"body": "x"}).status_code == 404


# --- quoting and replying ------------------------------------------------------------------------


def test_quote_fills_the_reply_form(client, english, login_as):
    topic = _topic(english, body="Zeile eins\n\nZeile <zwei>")
    post = topic.posts[0]
    login_as(english["admin_b"])
    page = _text(client.get(f"{FORUM}/{topic.id}"))
    assert f'href="/austausch/forum/{topic.id}?zitat={post.id}#body"' in page
    page = _text(client.get(f"{FORUM}/{topic.id}?zitat={post.id}"))
    assert "&gt; Zeile eins\n&gt;\n&gt; Zeile &lt;zwei&gt;\n\n</textarea>" in page


def test_quotes_of_hidden_posts_or_other_topics_are_ignored(client, english, login_as):
    topic = _topic(english)
    other = _topic(english, title="Anderes", body="Fremder Text")
    hidden = services.reply(topic, english["admin_b"], "Versteckter Text")
    services.hide_post(hidden, english["reviewer"], "Grund")
    login_as(english["editor_a"])
    for quoted in (other.posts[0].id, hidden.id, 99999, "abc"):
        response = client.get(f"{FORUM}/{topic.id}?zitat={quoted}")
        assert response.status_code == 200
        assert re.search(r'<textarea[^>]*id="body"[^>]*>\s*</textarea>', _text(response))


def test_a_reply_is_published_and_followers_are_mailed(client, english, login_as, db, outbox):
    topic = _topic(english)
    login_as(english["admin_b"])
    response = client.post(f"{FORUM}/{topic.id}/antworten", data={"body": "Bei uns so."})
    post = db.session.scalars(select(ForumPost).where(ForumPost.body == "Bei uns so.")).one()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/austausch/forum/{topic.id}#beitrag-{post.id}")
    assert "Your reply is published." in _text(client.get(response.headers["Location"]))
    [mail] = outbox()
    assert mail.recipient == english["admin_a"].email
    assert "Bei uns so." in mail.body


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Please write a text."), ("x" * 10_001, "Please shorten the text")],
)
def test_bad_replies_are_explained_and_kept(client, english, login_as, db, body, message):
    topic = _topic(english)
    login_as(english["admin_b"])
    response = client.post(f"{FORUM}/{topic.id}/antworten", data={"body": body})
    assert response.status_code == 422
    page = _text(response)
    assert message in page and 'id="error-summary"' in page
    if body:
        assert body in page
    assert db.session.query(ForumPost).count() == 1


def test_a_reply_to_a_locked_topic_is_refused_and_the_text_kept(
    client, english, login_as, db, outbox
):
    topic = _topic(english)
    services.toggle_lock(topic, english["reviewer"])
    login_as(english["admin_b"])
    page = _text(client.get(f"{FORUM}/{topic.id}"))
    assert "The moderators have locked this topic." in page
    assert "/antworten" not in page  # no reply form
    response = client.post(f"{FORUM}/{topic.id}/antworten", data={"body": "Mein langer Text"})
    assert response.status_code == 409
    page = _text(response)
    assert "This topic is locked by the moderators" in page
    assert "Mein langer Text</textarea>" in page and "readonly" in page
    assert db.session.query(ForumPost).count() == 1
    assert outbox() == []


# --- editing -------------------------------------------------------------------------------------


def test_the_author_changes_a_post_within_30_minutes(client, english, login_as, db):
    topic = _topic(english, body="Tippfeler")
    post = topic.posts[0]
    login_as(english["admin_a"])
    assert f"/beitraege/{post.id}/bearbeiten" in _text(client.get(f"{FORUM}/{topic.id}"))
    form = _text(client.get(f"{FORUM}/beitraege/{post.id}/bearbeiten"))
    assert "Tippfeler</textarea>" in form
    response = client.post(f"{FORUM}/beitraege/{post.id}/bearbeiten", data={"body": "Tippfehler"})
    assert response.status_code == 302
    page = _text(client.get(response.headers["Location"]))
    assert "Your changes are saved." in page and "Tippfehler" in page and "changed" in page
    db.session.expire_all()
    assert db.session.get(ForumPost, post.id).edited_at is not None


def test_after_30_minutes_the_page_says_why_and_keeps_the_typed_text(client, english, login_as, db):
    post = _topic(english, body="Alt").posts[0]
    post.created_at = utcnow() - timedelta(minutes=31)
    db.session.commit()
    login_as(english["admin_a"])
    assert f"/beitraege/{post.id}/bearbeiten" not in _text(client.get(f"{FORUM}/{post.topic_id}"))
    response = client.get(f"{FORUM}/beitraege/{post.id}/bearbeiten")
    assert response.status_code == 409
    assert "within 30 minutes" in _text(response)
    response = client.post(f"{FORUM}/beitraege/{post.id}/bearbeiten", data={"body": "Neu getippt"})
    assert response.status_code == 409
    assert "Neu getippt</textarea>" in _text(response)
    db.session.expire_all()
    assert db.session.get(ForumPost, post.id).body == "Alt"


@pytest.mark.parametrize("who", ["editor_a", "admin_b", "reviewer", "admin"])
def test_others_cannot_change_a_post(client, english, login_as, db, who):
    post = _topic(english, body="Original").posts[0]
    login_as(english[who])
    assert client.get(f"{FORUM}/beitraege/{post.id}/bearbeiten").status_code == 403
    response = client.post(f"{FORUM}/beitraege/{post.id}/bearbeiten", data={"body": "Fremd"})
    assert response.status_code == 403
    assert "You can only change your own posts." in _text(response)
    db.session.expire_all()
    assert db.session.get(ForumPost, post.id).body == "Original"


def test_an_emptied_post_is_refused_with_a_message(client, english, login_as):
    post = _topic(english).posts[0]
    login_as(english["admin_a"])
    response = client.post(f"{FORUM}/beitraege/{post.id}/bearbeiten", data={"body": " "})
    assert response.status_code == 422
    assert "Please write a text." in _text(response)


# --- following and the unsubscribe link ----------------------------------------------------------


def test_follow_and_unfollow_buttons(client, english, login_as, db):
    topic = _topic(english, follow=False)
    login_as(english["admin_b"])
    assert "Follow topic" in _text(client.get(f"{FORUM}/{topic.id}"))
    response = client.post(f"{FORUM}/{topic.id}/folgen")
    assert response.status_code == 302
    assert "You follow this topic." in _text(client.get(response.headers["Location"]))
    client.post(f"{FORUM}/{topic.id}/folgen")  # twice is harmless
    assert db.session.query(TopicFollow).count() == 1
    response = client.post(f"{FORUM}/{topic.id}/nicht-mehr-folgen")
    assert "You no longer follow this topic" in _text(client.get(response.headers["Location"]))
    assert db.session.query(TopicFollow).count() == 0


def _unsubscribe_link(outbox, recipient) -> str:
    mail = next(m for m in outbox() if m.recipient == recipient)
    return re.search(r"http://portal\.test(/austausch/forum/abbestellen/\S+)", mail.body)[1]


def test_the_link_in_the_mail_unfollows_without_login(client, english, db, outbox, login_as):
    topic = _topic(english)
    services.reply(topic, english["admin_b"], "Antwort")
    link = _unsubscribe_link(outbox, english["admin_a"].email)
    client.post("/sprache", data={"locale": "en"})  # an anonymous visitor who chose English
    response = client.get(link)
    assert response.status_code == 200
    page = _text(response)
    assert "You get no more e-mails about replies in the topic" in page
    assert "Log in to follow the topic again" in page
    assert db.session.query(TopicFollow).count() == 0
    # Opening it again changes nothing and says the same.
    assert client.get(link).status_code == 200
    # Logged in, the page offers to follow again right away.
    login_as(english["admin_a"])
    page = _text(client.get(link))
    assert f'action="/austausch/forum/{topic.id}/folgen"' in page
    client.post(f"{FORUM}/{topic.id}/folgen")
    assert db.session.query(TopicFollow).count() == 1


def test_a_changed_unsubscribe_link_is_404_and_explained(client, english, outbox, db):
    topic = _topic(english)
    services.reply(topic, english["admin_b"], "Antwort")
    link = _unsubscribe_link(outbox, english["admin_a"].email)
    client.post("/sprache", data={"locale": "en"})  # an anonymous visitor who chose English
    for bad in (link[:-3] + ("abc" if not link.endswith("abc") else "xyz"), link + "x", link[:-10]):
        response = client.get(bad)
        assert response.status_code == 404
        assert "This link to stop e-mails about a forum topic is not valid." in _text(response)
    forged = f"{FORUM}/abbestellen/" + tokens.unfollow_token(english["admin_a"].id, topic.id)[::-1]
    assert client.get(forged).status_code == 404
    assert db.session.query(TopicFollow).count() == 1


def test_the_unsubscribe_link_of_a_deleted_topic_says_so(client, english, db, outbox):
    topic = _topic(english)
    services.reply(topic, english["admin_b"], "Antwort")
    link = _unsubscribe_link(outbox, english["admin_a"].email)
    client.post("/sprache", data={"locale": "en"})  # an anonymous visitor who chose English
    db.session.execute(TopicFollow.__table__.delete())
    db.session.execute(ForumPost.__table__.delete())
    db.session.execute(ForumTopic.__table__.delete())
    db.session.commit()
    response = client.get(link)
    assert response.status_code == 404
    assert "The topic of this link no longer exists" in _text(response)


# --- moderation ----------------------------------------------------------------------------------


def test_a_reviewer_hides_a_reply_and_each_reader_sees_what_they_may(
    client, english, login_as, auth, db, outbox
):
    topic = _topic(english)
    post = services.reply(topic, english["admin_b"], "Kauft bei uns!")
    login_as(english["reviewer"])
    page = _text(client.get(f"{FORUM}/{topic.id}"))
    assert f'href="/austausch/forum/beitraege/{post.id}/ausblenden"' in page
    form = _text(client.get(f"{FORUM}/beitraege/{post.id}/ausblenden"))
    assert "Kauft bei uns!" in form
    response = client.post(
        f"{FORUM}/beitraege/{post.id}/ausblenden", data={"reason": "Werbung <b>nein</b>"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#beitrag-{post.id}")
    page = _text(client.get(response.headers["Location"]))
    assert "The post is hidden." in page
    assert "Hidden by the moderators: Werbung &lt;b&gt;nein&lt;/b&gt;" in page
    assert "Kauft bei uns!" in page  # moderators still read it
    assert "Show post again" in page
    assert _forum_audit(db) == ["forum_post_hidden"]
    mail = outbox()[-1]
    assert mail.recipient == english["admin_b"].email
    assert "Werbung <b>nein</b>" in mail.body
    auth.logout()

    login_as(english["admin_b"])  # the author reads the reason
    page = _text(client.get(f"{FORUM}/{topic.id}"))
    assert "Hidden by the moderators: Werbung &lt;b&gt;nein&lt;/b&gt;" in page
    assert "Kauft bei uns!" not in page
    auth.logout()

    login_as(english["editor_a"])  # everyone else only that it is hidden
    page = _text(client.get(f"{FORUM}/{topic.id}"))
    assert "Hidden by the moderators" in page
    assert "Werbung" not in page and "Kauft bei uns!" not in page
    assert f"zitat={post.id}" not in page


def test_hiding_needs_a_reason(client, english, login_as, db):
    post = _topic(english).posts[0]
    login_as(english["reviewer"])
    response = client.post(f"{FORUM}/beitraege/{post.id}/ausblenden", data={"reason": " "})
    assert response.status_code == 422
    assert "Please give a reason." in _text(response)
    response = client.post(f"{FORUM}/beitraege/{post.id}/ausblenden", data={"reason": "x" * 2001})
    assert response.status_code == 422
    assert "x" * 2001 in _text(response)
    assert not db.session.get(ForumPost, post.id).is_hidden


@pytest.mark.parametrize("who", ["editor_a", "admin_a", "admin_b"])
def test_partners_cannot_moderate(client, english, login_as, db, who):
    topic = _topic(english, author="admin_b")
    post = topic.posts[0]
    login_as(english[who])
    for url in (
        f"{FORUM}/beitraege/{post.id}/ausblenden",
        f"{FORUM}/beitraege/{post.id}/einblenden",
        f"{FORUM}/{topic.id}/sperren",
        f"{FORUM}/{topic.id}/anheften",
    ):
        response = client.post(url, data={"reason": "Grund"})
        assert response.status_code == 403, url
        assert "Only the ministry&#39;s moderators can do this." in _text(response)
    assert client.get(f"{FORUM}/meldungen").status_code == 403
    db.session.expire_all()
    topic = db.session.get(ForumTopic, topic.id)
    assert not (topic.is_locked or topic.is_pinned or topic.posts[0].is_hidden)
    assert _forum_audit(db) == []


def test_hiding_twice_and_showing_a_visible_post_are_explained(client, english, login_as):
    post = _topic(english).posts[0]
    login_as(english["reviewer"])
    response = client.post(f"{FORUM}/beitraege/{post.id}/einblenden")
    assert response.status_code == 409
    assert "This post is not hidden." in _text(response)
    client.post(f"{FORUM}/beitraege/{post.id}/ausblenden", data={"reason": "Grund"})
    response = client.post(f"{FORUM}/beitraege/{post.id}/ausblenden", data={"reason": "Noch mal"})
    assert response.status_code == 409
    assert "This post has already been hidden." in _text(response)
    response = client.post(f"{FORUM}/beitraege/{post.id}/einblenden")
    assert response.status_code == 302
    assert "The post is visible again" in _text(client.get(response.headers["Location"]))


def test_lock_and_pin_from_the_topic_page(client, english, login_as, db):
    topic = _topic(english)
    login_as(english["admin"])
    page = _text(client.get(f"{FORUM}/{topic.id}"))
    assert "Lock topic" in page and "Pin topic" in page
    page = _text(client.post(f"{FORUM}/{topic.id}/sperren", follow_redirects=True))
    assert "The topic is locked" in page and "Unlock topic" in page
    page = _text(client.post(f"{FORUM}/{topic.id}/anheften", follow_redirects=True))
    assert "The topic is pinned" in page and "Unpin topic" in page
    page = _text(client.post(f"{FORUM}/{topic.id}/sperren", follow_redirects=True))
    assert "The topic is open again" in page
    assert _forum_audit(db) == [
        "forum_topic_locked",
        "forum_topic_pinned",
        "forum_topic_unlocked",
    ]


# --- reports -------------------------------------------------------------------------------------


def test_a_partner_reports_a_post_and_the_moderators_close_it(
    client, english, login_as, auth, db, outbox
):
    topic = _topic(english, author="admin_b", body="Fragwürdig")
    post = topic.posts[0]
    login_as(english["editor_a"])
    page = _text(client.get(f"{FORUM}/{topic.id}"))
    assert f"/beitraege/{post.id}/melden" in page
    response = client.post(f"{FORUM}/beitraege/{post.id}/melden", data={"reason": SCRIPT})
    assert response.status_code == 302
    assert "The moderators have your report" in _text(client.get(response.headers["Location"]))
    assert [m.recipient for m in outbox()] == [english["reviewer"].email]
    # Twice: the page says so.
    response = client.get(f"{FORUM}/beitraege/{post.id}/melden")
    assert response.status_code == 409
    assert "You have already reported this post." in _text(response)
    response = client.post(f"{FORUM}/beitraege/{post.id}/melden", data={"reason": "Noch mal"})
    assert response.status_code == 409
    assert db.session.query(PostReport).count() == 1
    auth.logout()

    login_as(english["reviewer"])
    page = _text(client.get(f"{FORUM}/meldungen"))
    assert "1 open report" in page and "Fragwürdig" in page
    assert SCRIPT_ESCAPED in page and "<script>alert" not in page
    report = db.session.scalars(select(PostReport)).one()
    response = client.post(f"{FORUM}/meldungen/{report.id}/erledigt")
    assert response.status_code == 302
    page = _text(client.get(response.headers["Location"]))
    assert "The report is closed." in page and "No open reports." in page
    response = client.post(f"{FORUM}/meldungen/{report.id}/erledigt")
    assert response.status_code == 409
    assert "This report has already been closed." in _text(response)
    assert client.post(f"{FORUM}/meldungen/999/erledigt").status_code == 404


def test_a_report_needs_a_reason(client, english, login_as, db):
    post = _topic(english, author="admin_b").posts[0]
    login_as(english["admin_a"])
    response = client.post(f"{FORUM}/beitraege/{post.id}/melden", data={"reason": ""})
    assert response.status_code == 422
    assert "Please give a reason." in _text(response)
    assert db.session.query(PostReport).count() == 0


def test_own_posts_and_the_ministry_cannot_report(client, english, login_as, auth):
    post = _topic(english, author="admin_b").posts[0]
    login_as(english["admin_b"])
    assert "/melden" not in _text(client.get(f"{FORUM}/{post.topic_id}"))
    response = client.get(f"{FORUM}/beitraege/{post.id}/melden")
    assert response.status_code == 403
    assert "You cannot report your own post." in _text(response)
    auth.logout()
    login_as(english["reviewer"])
    response = client.post(f"{FORUM}/beitraege/{post.id}/melden", data={"reason": "x"})
    assert response.status_code == 403
    assert "hide the post instead" in _text(response)


def test_the_reports_page_runs_the_same_number_of_queries_for_2_and_20_reports(
    client, english, login_as, db, count_queries
):
    topic = factories.ForumTopicFactory(author=english["admin_b"])
    db.session.commit()

    def add_reports(n):
        for _ in range(n):
            post = factories.ForumPostFactory(topic=topic, author=english["admin_b"])
            reporter = factories.UserFactory(organisation=english["org_a"])
            db.session.add(PostReport(post_id=post.id, reporter_id=reporter.id, reason="Grund"))
        db.session.commit()

    login_as(english["reviewer"])
    add_reports(2)
    with count_queries() as small:
        assert client.get(f"{FORUM}/meldungen").status_code == 200
    add_reports(18)
    with count_queries() as large:
        assert "20 open reports" in _text(client.get(f"{FORUM}/meldungen"))
    assert small.count == large.count, (small.statements, large.statements)
    print(f"reports page: {small.count} queries for 2 reports, {large.count} for 20")
