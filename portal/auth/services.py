"""Account state changes: login attempts and lockout, tokens, passwords, invitations."""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select, update

from portal import audit, mail
from portal.extensions import db
from portal.models import AccountToken, Organisation, Role, TokenPurpose, User, utcnow


def find_user_by_email(email: str) -> User | None:
    email = (email or "").strip().lower()
    if not email:
        return None
    return db.session.scalar(select(User).where(func.lower(User.email) == email))


@dataclass
class LoginResult:
    user: User | None = None
    # "invalid", "locked", "unconfirmed", "inactive" or None on success
    problem: str | None = None
    locked_until: object = None


def authenticate(email: str, password: str) -> LoginResult:
    """Check the credentials and keep count of failures; commits."""
    user = find_user_by_email(email)
    now = utcnow()
    if user is None:
        return LoginResult(problem="invalid")
    if user.locked_until and user.locked_until > now:
        return LoginResult(problem="locked", locked_until=user.locked_until)
    if not user.check_password(password):
        _count_failure(user, now)
        db.session.commit()
        if user.locked_until and user.locked_until > now:
            return LoginResult(problem="locked", locked_until=user.locked_until)
        return LoginResult(problem="invalid")
    if not user.is_active_account:
        return LoginResult(problem="inactive")
    if user.email_confirmed_at is None:
        return LoginResult(problem="unconfirmed")
    user.failed_login_count = 0
    user.first_failed_login_at = None
    user.locked_until = None
    user.last_login_at = now
    audit.record("login", user, actor=user, organisation_id=user.organisation_id)
    db.session.commit()
    return LoginResult(user=user)


def _count_failure(user: User, now) -> None:
    window = current_app.config["LOGIN_FAILURE_WINDOW"]
    if user.first_failed_login_at is None or now - user.first_failed_login_at > window:
        user.first_failed_login_at = now
        user.failed_login_count = 0
    user.failed_login_count += 1
    if user.failed_login_count >= current_app.config["LOGIN_MAX_FAILURES"]:
        user.locked_until = now + current_app.config["LOGIN_LOCKOUT"]
        user.failed_login_count = 0
        user.first_failed_login_at = None
        audit.record("account_locked", user, organisation_id=user.organisation_id)


# --- tokens ------------------------------------------------------------------------------------

LIFETIMES = {
    TokenPurpose.RESET_PASSWORD: "RESET_TOKEN_LIFETIME",
    TokenPurpose.INVITATION: "INVITATION_TOKEN_LIFETIME",
    TokenPurpose.CONFIRM_EMAIL: "CONFIRMATION_TOKEN_LIFETIME",
}


def issue_token(user: User, purpose: TokenPurpose) -> str:
    """A new single-use token; earlier unused tokens of the same purpose stop working."""
    db.session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    token, raw = AccountToken.issue(user, purpose, current_app.config[LIFETIMES[purpose]])
    db.session.add(token)
    return raw


def check_token(raw: str, purpose: TokenPurpose) -> tuple[AccountToken | None, str | None]:
    """The token and None, or None/the token and the problem: "invalid", "used" or "expired"."""
    if not raw or len(raw) > 200:
        return None, "invalid"
    token = db.session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == AccountToken.hash(raw), AccountToken.purpose == purpose
        )
    )
    if token is None:
        return None, "invalid"
    if token.is_used:
        return token, "used"
    if token.is_expired:
        return token, "expired"
    return token, None


def request_password_reset(email: str) -> None:
    """Queue a reset link if the account exists; the caller says the same either way."""
    user = find_user_by_email(email)
    if user is None or not user.is_active_account:
        return
    raw = issue_token(user, TokenPurpose.RESET_PASSWORD)
    mail.queue_mail_to_user(user, "password_reset", token=raw)
    audit.record("password_reset_requested", user, organisation_id=user.organisation_id)
    db.session.commit()


def set_password_with_token(token: AccountToken, password: str) -> User:
    """Use a reset or invitation token: set the password, spend the token, unlock; commits."""
    user = token.user
    now = utcnow()
    user.set_password(password)
    token.used_at = now
    user.failed_login_count = 0
    user.first_failed_login_at = None
    user.locked_until = None
    # Receiving the link proves the address.
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
    audit.record(
        "invitation_accepted" if token.purpose == TokenPurpose.INVITATION else "password_reset",
        user,
        actor=user,
        organisation_id=user.organisation_id,
    )
    db.session.commit()
    return user


def confirm_email(token: AccountToken) -> User:
    user = token.user
    token.used_at = utcnow()
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    audit.record("email_confirmed", user, actor=user, organisation_id=user.organisation_id)
    db.session.commit()
    return user


def invite_user(
    email: str,
    name: str,
    role: Role,
    organisation: Organisation | None = None,
    invited_by: User | None = None,
    locale: str = "de",
) -> User:
    """Create an account without a password and send an invitation link; commits."""
    user = User(
        email=email.strip().lower(),
        name=name.strip(),
        role=role,
        organisation=organisation,
        locale=locale,
    )
    db.session.add(user)
    db.session.flush()
    raw = issue_token(user, TokenPurpose.INVITATION)
    mail.queue_mail_to_user(user, "invitation", token=raw, invited_by=invited_by)
    audit.record(
        "user_invited",
        user,
        actor=invited_by,
        organisation_id=user.organisation_id,
        role=role.value,
    )
    db.session.commit()
    return user


def create_user_with_password(
    email: str,
    name: str,
    role: Role,
    password: str,
    organisation: Organisation | None = None,
    locale: str = "de",
) -> User:
    """Create a ready-to-use account (CLI and demo data); commits."""
    user = User(
        email=email.strip().lower(),
        name=name.strip(),
        role=role,
        organisation=organisation,
        locale=locale,
        email_confirmed_at=utcnow(),
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user_created", user, organisation_id=user.organisation_id, role=role.value)
    db.session.commit()
    return user
