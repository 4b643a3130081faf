"""The forum (Erfahrungsaustausch) of the members' area: topics, replies, following, moderation."""

from flask import Blueprint

bp = Blueprint("forum", __name__, url_prefix="/austausch/forum")

from portal.forum import views  # noqa: E402, F401
