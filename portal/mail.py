"""E-mail through the database outbox.

Services call `queue_mail` inside their transaction, so a message exists exactly when the change
that caused it was committed. `deliver_pending` (CLI: `flask mail send`) sends queued messages
over SMTP with retries and back-off, or in development writes them as .eml files."""

import smtplib
import ssl
from contextlib import nullcontext, suppress
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from sqlalchemy import select

from portal.extensions import db
from portal.models import OutboxMessage, OutboxStatus, User, utcnow

# Minutes to wait before attempt n+1 (index n-1); the last value repeats.
BACKOFF_MINUTES = (1, 5, 30, 120, 720)


def queue_mail(recipient: str, template: str, locale: str = "de", **context) -> OutboxMessage:
    """Render templates/mail/<template>.txt in the recipient's language and queue it.

    The template's first line is `Subject: ...`; the rest is the body. Does not commit."""
    base_url = current_app.config["PORTAL_BASE_URL"].rstrip("/")
    # Links are built without a request too (CLI, cron): url_for needs a request context.
    request_context = (
        nullcontext() if has_request_context() else current_app.test_request_context("/")
    )
    with request_context, force_locale(locale):
        rendered = render_template(f"mail/{template}.txt", base_url=base_url, **context)
    first_line, _, body = rendered.lstrip().partition("\n")
    if not first_line.startswith("Subject:"):
        raise ValueError(f"mail template {template} must start with 'Subject:'")
    message = OutboxMessage(
        recipient=recipient,
        subject=first_line.removeprefix("Subject:").strip(),
        body=body.strip() + "\n",
    )
    db.session.add(message)
    return message


def queue_mail_to_user(user: User, template: str, **context) -> OutboxMessage:
    return queue_mail(user.email, template, locale=user.locale or "de", user=user, **context)


def build_email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}")
    if message.reply_to:
        email["Reply-To"] = message.reply_to
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body)
    return email


class FileTransport:
    """Development delivery: one .eml file per message in instance/outbox/."""

    def __init__(self, folder: str):
        self.folder = Path(folder)

    def __enter__(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc):
        return False

    def send(self, message: OutboxMessage, email: EmailMessage) -> None:
        # The time stamp keeps files apart when a reset development database reuses ids.
        path = self.folder / f"{message.created_at:%Y%m%d-%H%M%S}-{message.id:06d}.eml"
        path.write_bytes(email.as_bytes())


class SmtpTransport:
    def __init__(self, config):
        self.config = config
        self.connection = None

    def __enter__(self):
        cfg = self.config
        if cfg["MAIL_USE_SSL"]:
            self.connection = smtplib.SMTP_SSL(
                cfg["MAIL_SERVER"],
                cfg["MAIL_PORT"],
                timeout=cfg["MAIL_TIMEOUT"],
                context=ssl.create_default_context(),
            )
        else:
            self.connection = smtplib.SMTP(
                cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"]
            )
            if cfg["MAIL_USE_TLS"]:
                self.connection.starttls(context=ssl.create_default_context())
        if cfg["MAIL_USERNAME"]:
            self.connection.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        return self

    def __exit__(self, *exc):
        with suppress(smtplib.SMTPException, OSError):
            self.connection.quit()
        return False

    def send(self, message: OutboxMessage, email: EmailMessage) -> None:
        self.connection.send_message(email)


def transport():
    if current_app.config.get("MAIL_SERVER"):
        return SmtpTransport(current_app.config)
    return FileTransport(current_app.config["MAIL_OUTBOX_FOLDER"])


def deliver_pending(limit: int = 200) -> dict:
    """Send due messages; each result is committed on its own so a crash loses nothing."""
    now = utcnow()
    due = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    if not due:
        return counts
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    try:
        with transport() as channel:
            for message in due:
                counts[_deliver_one(channel, message, max_attempts)] += 1
    except (smtplib.SMTPException, OSError) as error:
        # The server could not be reached at all: every due message counts one failed attempt.
        for message in due:
            if message.status == OutboxStatus.PENDING and message.sent_at is None:
                counts[_record_failure(message, error, max_attempts)] += 1
        db.session.commit()
    return counts


def _deliver_one(channel, message: OutboxMessage, max_attempts: int) -> str:
    try:
        channel.send(message, build_email(message))
    except (smtplib.SMTPException, OSError) as error:
        outcome = _record_failure(message, error, max_attempts)
        db.session.commit()
        return outcome
    message.attempts += 1
    message.status = OutboxStatus.SENT
    message.sent_at = utcnow()
    message.last_error = ""
    db.session.commit()
    return "sent"


def _record_failure(message: OutboxMessage, error: Exception, max_attempts: int) -> str:
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if message.attempts >= max_attempts:
        message.status = OutboxStatus.FAILED
        return "failed"
    wait = BACKOFF_MINUTES[min(message.attempts, len(BACKOFF_MINUTES)) - 1]
    message.next_attempt_at = utcnow() + timedelta(minutes=wait)
    return "retry"
