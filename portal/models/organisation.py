"""The organisation aggregate: partner organisations and their partnership agreements."""

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import TimestampMixin, enum_column, utcnow


class Sector(enum.StrEnum):
    AUTHORITY = "authority"
    ASSOCIATION = "association"
    COMPANY = "company"


class OrganisationStatus(enum.StrEnum):
    APPLICANT = "applicant"
    ACTIVE = "active"
    PAUSED = "paused"
    LEFT = "left"
    DECLINED = "declined"


class EmployeeBand(enum.StrEnum):
    UP_TO_49 = "1-49"
    UP_TO_249 = "50-249"
    UP_TO_999 = "250-999"
    UP_TO_4999 = "1000-4999"
    FROM_5000 = "5000+"


class Organisation(TimestampMixin, db.Model):
    __tablename__ = "organisation"
    __table_args__ = (
        CheckConstraint(
            "member_number IS NULL OR member_number > 0", name="member_number_positive"
        ),
        CheckConstraint(
            "status = 'applicant' OR status = 'declined' OR member_number IS NOT NULL",
            name="member_has_number",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    sector: Mapped[Sector] = enum_column(Sector, "sector")
    status: Mapped[OrganisationStatus] = enum_column(
        OrganisationStatus, "organisation_status", default=OrganisationStatus.APPLICANT
    )
    # Gapless and unique; given when the agreement is recorded and kept when a partner leaves.
    member_number: Mapped[int | None] = mapped_column(Integer, unique=True)
    member_since: Mapped[date | None] = mapped_column(Date)
    status_changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Why the partnership was paused, ended or declined (shown to reviewers and the partner).
    status_reason: Mapped[str] = mapped_column(Text, default="")
    # The partner may leave the public list while staying an active member.
    show_in_public_list: Mapped[bool] = mapped_column(Boolean, default=True)
    # Ministry-only notes; never rendered for partners.
    internal_notes: Mapped[str] = mapped_column(Text, default="")

    # Region: Kreis or kreisfreie Stadt, and its Regierungsbezirk.
    kreis: Mapped[str] = mapped_column(String(80))
    regierungsbezirk: Mapped[str] = mapped_column(String(40))
    street: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    employee_band: Mapped[EmployeeBand | None] = enum_column(
        EmployeeBand, "employee_band", nullable=True
    )

    users: Mapped[list["User"]] = relationship(back_populates="organisation")  # noqa: F821
    agreement: Mapped["Agreement | None"] = relationship(
        back_populates="organisation", uselist=False
    )

    @property
    def is_member(self) -> bool:
        return self.status in {OrganisationStatus.ACTIVE, OrganisationStatus.PAUSED}

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r} {self.status}>"


class Agreement(TimestampMixin, db.Model):
    """The signed partnership agreement (Partnerschaftsvereinbarung) of an organisation."""

    __tablename__ = "agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), unique=True
    )
    signed_on: Mapped[date] = mapped_column(Date)
    ministry_signatory: Mapped[str] = mapped_column(String(200))
    organisation_signatory: Mapped[str] = mapped_column(String(200))
    signed_pdf_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id", ondelete="RESTRICT"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    notes: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship(back_populates="agreement")
    signed_pdf: Mapped["Upload | None"] = relationship()  # noqa: F821
