"""The signed token of the one-click "unfollow" link in forum e-mails.

It carries the user's and the topic's id, signed with the app's SECRET_KEY (salt
"forum-unfollow"), so nobody can unfollow a topic for someone else. It does not expire: an
e-mail read weeks later still unsubscribes."""

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

SALT = "forum-unfollow"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unfollow_token(user_id: int, topic_id: int) -> str:
    return _serializer().dumps({"user": user_id, "topic": topic_id})


def read_unfollow_token(token: str) -> tuple[int, int] | None:
    """(user id, topic id), or None for a token that was not made here or was changed."""
    try:
        data = _serializer().loads(token)
    except BadData:
        return None
    if not isinstance(data, dict):
        return None
    user_id, topic_id = data.get("user"), data.get("topic")
    if type(user_id) is not int or type(topic_id) is not int:
        return None
    return user_id, topic_id
