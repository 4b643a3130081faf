"""Write operations of the public pages."""

from flask import current_app

from portal.extensions import db
from portal.mail import queue_mail


def send_accessibility_feedback(*, name: str, email: str, page: str, message: str) -> None:
    """Queue the feedback for the ministry's accessibility contact; replies go to the sender."""
    outbox_message = queue_mail(
        current_app.config["ACCESSIBILITY_FEEDBACK_EMAIL"],
        "accessibility_feedback",
        locale="de",
        name=name,
        email=email,
        page=page,
        message=message,
    )
    if email:
        outbox_message.reply_to = email
    db.session.commit()
