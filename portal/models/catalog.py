"""Reference data maintained by admins: fields of action and indicators."""

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db


class FieldOfAction(db.Model):
    """A field of action (Handlungsfeld) that a measure belongs to."""

    __tablename__ = "field_of_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(50), unique=True)
    name_de: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_de


class Indicator(db.Model):
    """A key figure (Kennzahl) of the annual report. `part_of` expresses "davon": its value
    may not exceed the value of the indicator it is part of."""

    __tablename__ = "indicator"
    __table_args__ = (
        CheckConstraint("part_of_id IS NULL OR part_of_id <> id", name="not_own_part"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(50), unique=True)
    name_de: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    unit_de: Mapped[str] = mapped_column(String(50), default="Personen")
    unit_en: Mapped[str] = mapped_column(String(50), default="people")
    part_of_id: Mapped[int | None] = mapped_column(ForeignKey("indicator.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    part_of: Mapped["Indicator | None"] = relationship(remote_side=[id])

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_de
