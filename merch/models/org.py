"""Areas, shops and the people who work in them."""

from __future__ import annotations

from datetime import date, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from merch import passwords
from merch.extensions import db
from merch.scoring.sizes import DEFAULT_SIZE_SET

DEFAULT_SIZE_SET_TEXT = ",".join(DEFAULT_SIZE_SET)


class Role(StrEnum):
    STAFF = "staff"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Area(db.Model):  # type: ignore[name-defined]
    """A group of shops watched by area supervisors."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))

    shops: Mapped[list[Shop]] = relationship(back_populates="area", order_by="Shop.code")


class Shop(db.Model):  # type: ignore[name-defined]
    """One shop; its business dates follow its own time zone."""

    __tablename__ = "shops"
    __table_args__ = (CheckConstraint("closes_at > opens_at", name="closes_after_opening"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    timezone: Mapped[str] = mapped_column(String(64))
    opens_at: Mapped[time]
    closes_at: Mapped[time]
    language: Mapped[str] = mapped_column(String(16), default="zh-Hant")
    opened_on: Mapped[date]
    # An inactive (closed) shop has no checklists from today on and its staff cannot submit.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The first business date it was closed (set with active off): nothing is due from then.
    closed_on: Mapped[date | None]
    # The sizes the shop sells, smallest first, comma-separated: the phone offers them in
    # this order and a display of sizes all in it is ordered by it (merch.scoring.sizes).
    size_set: Mapped[str] = mapped_column(
        String(1000), default=DEFAULT_SIZE_SET_TEXT, server_default=DEFAULT_SIZE_SET_TEXT
    )

    area: Mapped[Area] = relationship(back_populates="shops")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def sizes(self) -> tuple[str, ...]:
        """The shop's size set, smallest first."""
        return tuple(size for size in (self.size_set or DEFAULT_SIZE_SET_TEXT).split(",") if size)


class User(UserMixin, db.Model):  # type: ignore[name-defined]
    """A person who signs in: staff of one shop, supervisor of one area, or admin."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "(role = 'staff' AND shop_id IS NOT NULL) OR "
            "(role = 'supervisor' AND area_id IS NOT NULL) OR role = 'admin'",
            name="role_has_scope",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    shop_id: Mapped[int | None] = mapped_column(ForeignKey("shops.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    language: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    # A short PIN for switching assistants on the shared shop phone (merch/services/shop_phone.py).
    pin_hash: Mapped[str | None] = mapped_column(String(256))

    shop: Mapped[Shop | None] = relationship()
    area: Mapped[Area | None] = relationship()

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: this sign-in's random token, never the id.

        A session or remember cookie made before the sign-in ended names a token the
        server no longer accepts (merch.services.sessions).
        """
        return str(self.__dict__.get("_sign_in_token") or "")

    def use_sign_in(self, token: str) -> None:
        self.__dict__["_sign_in_token"] = token

    def set_password(self, password: str) -> None:
        self.password_hash = passwords.hash_password(password)

    def check_password(self, password: str) -> bool:
        return passwords.verify_password(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses sign-in for inactive users
        return self.active

    @property
    def area_code(self) -> str | None:
        """The area the user belongs to: their own (supervisor) or their shop's (staff)."""
        if self.area is not None:
            return self.area.code
        if self.shop is not None:
            return self.shop.area.code
        return None
