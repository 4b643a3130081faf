"""The user aggregate: accounts, their roles and single-use account tokens."""

import enum
import hashlib
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from portal.extensions import db
from portal.models.base import TimestampMixin, enum_column, utcnow


class Role(enum.StrEnum):
    PARTNER_EDITOR = "partner_editor"
    PARTNER_ADMIN = "partner_admin"
    REVIEWER = "reviewer"
    ADMIN = "admin"


PARTNER_ROLES = frozenset({Role.PARTNER_EDITOR, Role.PARTNER_ADMIN})
MINISTRY_ROLES = frozenset({Role.REVIEWER, Role.ADMIN})


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "user"
    __table_args__ = (
        # A partner user belongs to exactly one organisation; ministry staff to none.
        CheckConstraint(
            "(role IN ('partner_editor', 'partner_admin')) = (organisation_id IS NOT NULL)",
            name="partner_has_organisation",
        ),
        CheckConstraint("failed_login_count >= 0", name="failed_login_count_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    function: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    # Null until an invited user has set a password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = enum_column(Role, "role")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    locale: Mapped[str] = mapped_column(String(5), default="de")
    # Members' directory: a contact person chooses what the network sees.
    is_contact_person: Mapped[bool] = mapped_column(Boolean, default=False)
    directory_shows_email: Mapped[bool] = mapped_column(Boolean, default=False)
    directory_shows_phone: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Lockout after repeated failed logins: counted per account in a sliding window.
    failed_login_count: Mapped[int] = mapped_column(Integer, default=0)
    first_failed_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    # Part of the id kept in the session and the remember-me cookie: raising it ends every
    # running session of the account (new password, deactivation).
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    organisation: Mapped["Organisation | None"] = relationship(back_populates="users")  # noqa: F821

    # Flask-Login: a deactivated account cannot log in and is logged out.
    @property
    def is_active(self) -> bool:
        return self.is_active_account

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version or 1}"

    def end_sessions(self) -> None:
        """Log the account out everywhere, at the next request of each session."""
        self.session_version = (self.session_version or 1) + 1

    @property
    def is_partner(self) -> bool:
        return self.role in PARTNER_ROLES

    @property
    def is_ministry(self) -> bool:
        return self.role in MINISTRY_ROLES

    def set_password(self, password: str) -> None:
        """A new password also ends the sessions that used the old one."""
        if self.password_hash:
            self.end_sessions()
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class TokenPurpose(enum.StrEnum):
    RESET_PASSWORD = "reset_password"
    INVITATION = "invitation"
    CONFIRM_EMAIL = "confirm_email"


class AccountToken(TimestampMixin, db.Model):
    """A single-use, expiring token sent by e-mail. Only its SHA-256 hash is stored."""

    __tablename__ = "account_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = enum_column(TokenPurpose, "token_purpose")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, purpose: TokenPurpose, lifetime) -> tuple["AccountToken", str]:
        raw = secrets.token_urlsafe(32)
        token = cls(
            user=user, purpose=purpose, token_hash=cls.hash(raw), expires_at=utcnow() + lifetime
        )
        return token, raw

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= utcnow()

    @property
    def is_used(self) -> bool:
        return self.used_at is not None
