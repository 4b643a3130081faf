"""The e-mail outbox (portal.mail): rendering in the recipient's language, queueing inside the
caller's transaction, and delivery by `flask mail send` to a real local SMTP server (aiosmtpd),
with retries, back-off and giving up; in development as .eml files."""

import email
import re
import socket
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import update

from portal import mail
from portal.auth import services
from portal.models import AccountToken, OutboxMessage, OutboxStatus, TokenPurpose, utcnow
from tests import factories

pytestmark = pytest.mark.db

MAX_ATTEMPTS = 3


class Collector:
    """An SMTP handler that keeps what it receives and refuses the addresses in `refuse`."""

    def __init__(self):
        self.received = []  # (envelope recipients, parsed message)
        self.refuse = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    handler.port = controller.port
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def closed_port():
    """A port bound (so nobody else takes it) but not listening: connections are refused."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        yield bound.getsockname()[1]


@pytest.fixture
def app_config(base_config, tmp_path, request):
    config = dict(
        base_config,
        MAIL_OUTBOX_FOLDER=str(tmp_path / "outbox"),
        MAIL_MAX_ATTEMPTS=MAX_ATTEMPTS,
        MAIL_TIMEOUT=5,
    )
    if "smtp_server" in request.fixturenames:
        port = request.getfixturevalue("smtp_server").port
        config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    elif "closed_port" in request.fixturenames:
        config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=request.getfixturevalue("closed_port"))
    return config


@pytest.fixture
def send(app):
    runner = app.test_cli_runner()

    def run(*args):
        result = runner.invoke(args=["mail", *args])
        assert result.exit_code == 0, result.output
        return result.output

    return run


@pytest.fixture
def two_messages(db):
    """A password reset for a German user and a submission notice whose subject has umlauts."""
    minden = factories.OrganisationFactory(name="Kreis Minden-Lübbecke")
    partner = factories.UserFactory(role="partner_admin", organisation=minden, name="Ayşe Öztürk")
    reviewer = factories.UserFactory(role="reviewer", organisation=None, name="Jürgen Müßig")
    concept = factories.ConceptFactory(organisation=minden)
    db.session.flush()
    first = mail.queue_mail_to_user(partner, "password_reset", token="raw-token")
    second = mail.queue_mail_to_user(
        reviewer,
        "submission_transition",
        submission=concept,
        action="submit",
        actor=partner,
        comment="Bitte prüfen – Maßnahmen für Übergänge ergänzt.",
    )
    db.session.commit()
    return first, second


def _reload(db, message):
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


def _make_due(db):
    db.session.execute(
        update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()


# --- queueing ------------------------------------------------------------------------------------


def test_a_password_reset_is_written_in_english_for_an_english_user(db, outbox):
    user = factories.UserFactory(role="reviewer", organisation=None, name="Jürgen", locale="en")
    db.session.commit()
    services.request_password_reset(user.email)

    (message,) = outbox()
    assert message.recipient == user.email
    assert message.subject == "Reset your password for the partner portal"
    assert message.body.startswith("Hello Jürgen,")
    # The link is absolute (no request needed) and carries a token that works.
    link = re.search(r"http://portal\.test/passwort-neu/(\S+)", message.body)
    assert link, message.body
    token = db.session.query(AccountToken).filter_by(token_hash=AccountToken.hash(link[1])).one()
    assert (token.user_id, token.purpose) == (user.id, TokenPurpose.RESET_PASSWORD)


def test_a_password_reset_is_written_in_german_for_a_german_user(db, outbox):
    user = factories.UserFactory(role="reviewer", organisation=None, name="Jürgen", locale="de")
    db.session.commit()
    services.request_password_reset(user.email)

    (message,) = outbox()
    assert "Passwort" in message.subject, message.subject
    assert "Hello" not in message.body
    assert "Jürgen" in message.body
    assert "http://portal.test/passwort-neu/" in message.body


def test_queueing_joins_the_callers_transaction(db, outbox):
    user = factories.UserFactory(role="reviewer", organisation=None, locale="en")
    db.session.commit()
    message = mail.queue_mail(user.email, "password_reset", locale="en", user=user, token="t")
    assert message.subject == "Reset your password for the partner portal"
    db.session.rollback()
    assert outbox() == []


# --- delivery over SMTP --------------------------------------------------------------------------


def test_mail_send_delivers_to_an_smtp_server(smtp_server, db, send, two_messages):
    started = utcnow()
    assert "sent: 2, to retry: 0, failed: 0" in send("send")

    assert len(smtp_server.received) == 2
    by_recipient = {str(parsed["To"]): (rcpts, parsed) for rcpts, parsed in smtp_server.received}
    for queued in two_messages:
        message = _reload(db, queued)
        rcpts, parsed = by_recipient[message.recipient]
        assert rcpts == [message.recipient]
        assert parsed["Subject"] == message.subject
        # SMTP carries lines ending in CRLF.
        assert parsed.get_content().replace("\r\n", "\n") == message.body
        assert "Interkulturelle Öffnung" in str(parsed["From"])
        assert message.status == OutboxStatus.SENT
        assert message.sent_at is not None and message.sent_at >= started
        assert (message.attempts, message.last_error) == (1, "")

    reset, notice = (by_recipient[_reload(db, m).recipient][1] for m in two_messages)
    assert "Ayşe Öztürk" in reset.get_content()
    assert notice["Subject"].endswith("Kreis Minden-Lübbecke")
    assert "Jürgen Müßig" in notice.get_content()
    assert "Bitte prüfen – Maßnahmen für Übergänge ergänzt." in notice.get_content()

    # Sent messages are not sent again.
    assert "sent: 0, to retry: 0, failed: 0" in send("send")
    assert len(smtp_server.received) == 2


def test_an_unreachable_server_means_retry_with_back_off_then_give_up(
    closed_port, db, send, two_messages
):
    started = utcnow()
    assert "sent: 0, to retry: 2, failed: 0" in send("send")
    for queued in two_messages:
        message = _reload(db, queued)
        assert (message.status, message.attempts, message.sent_at) == (
            OutboxStatus.PENDING,
            1,
            None,
        )
        assert "ConnectionRefused" in message.last_error
        # The first retry waits about a minute.
        assert started + timedelta(seconds=50) < message.next_attempt_at
        assert message.next_attempt_at < utcnow() + timedelta(seconds=70)

    # Not tried again before it is due.
    assert "sent: 0, to retry: 0, failed: 0" in send("send")
    assert [_reload(db, queued).attempts for queued in two_messages] == [1, 1]

    _make_due(db)
    assert "to retry: 2" in send("send")
    message = _reload(db, two_messages[0])
    assert message.attempts == 2
    assert message.next_attempt_at > utcnow() + timedelta(minutes=4)

    _make_due(db)
    assert "sent: 0, to retry: 0, failed: 2" in send("send")
    for queued in two_messages:
        message = _reload(db, queued)
        assert (message.status, message.attempts) == (OutboxStatus.FAILED, MAX_ATTEMPTS)

    # Given up: a failed message is not tried again.
    _make_due(db)
    assert "sent: 0, to retry: 0, failed: 0" in send("send")
    assert _reload(db, two_messages[0]).attempts == MAX_ATTEMPTS


def test_a_refused_recipient_is_retried_and_the_others_are_sent(
    smtp_server, db, send, two_messages
):
    refused, accepted = (_reload(db, m) for m in two_messages)
    smtp_server.refuse.add(refused.recipient)

    assert "sent: 1, to retry: 1, failed: 0" in send("send")
    assert [rcpts for rcpts, _ in smtp_server.received] == [[accepted.recipient]]
    refused, accepted = (_reload(db, m) for m in two_messages)
    assert accepted.status == OutboxStatus.SENT
    assert (refused.status, refused.attempts) == (OutboxStatus.PENDING, 1)
    assert "550" in refused.last_error
    assert refused.next_attempt_at > utcnow()

    # Once the mailbox accepts mail again, the retry goes through.
    smtp_server.refuse.clear()
    _make_due(db)
    assert "sent: 1, to retry: 0, failed: 0" in send("send")
    assert _reload(db, refused).status == OutboxStatus.SENT
    assert [rcpts for rcpts, _ in smtp_server.received][-1] == [refused.recipient]


# --- development delivery and status -----------------------------------------------------------


def test_without_a_server_messages_are_written_as_eml_files(app, db, send, two_messages):
    assert "sent: 2" in send("send")
    files = sorted(Path(app.config["MAIL_OUTBOX_FOLDER"]).glob("*.eml"))
    assert len(files) == 2
    parsed = {}
    for path in files:
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        parsed[str(message["To"])] = message
    for queued in two_messages:
        message = _reload(db, queued)
        assert message.status == OutboxStatus.SENT
        assert parsed[message.recipient]["Subject"] == message.subject
        assert parsed[message.recipient].get_content() == message.body
    assert "Ayşe Öztürk" in parsed[_reload(db, two_messages[0]).recipient].get_content()


def test_mail_status_counts_messages_by_status(db, send):
    assert "The outbox is empty." in send("status")
    for status, count in (
        (OutboxStatus.PENDING, 2),
        (OutboxStatus.SENT, 3),
        (OutboxStatus.FAILED, 1),
    ):
        for _ in range(count):
            db.session.add(
                OutboxMessage(recipient="a@example.org", subject="s", body="b", status=status)
            )
    db.session.commit()
    lines = set(send("status").splitlines())
    assert {"pending: 2", "sent: 3", "failed: 1"} <= lines
