"""The rulebook: rules and their versions.

A rule's numbers, weight, photo requirement and shifts live on a version; changing any of
them adds a version, so a scored item can always point at exactly what it was scored with.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, select
from sqlalchemy import false as sql_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from merch.extensions import db
from merch.models.org import User
from merch.models.types import UTCDateTime


class Rule(db.Model):  # type: ignore[name-defined]
    """A display rule, identified by its key; its content lives in versions."""

    __tablename__ = "rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    area: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    position: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)

    versions: Mapped[list[RuleVersion]] = relationship(back_populates="rule", order_by="RuleVersion.version")


class RuleVersion(db.Model):  # type: ignore[name-defined]
    """One immutable state of a rule."""

    __tablename__ = "rule_versions"
    __table_args__ = (UniqueConstraint("rule_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("rules.id"))
    version: Mapped[int]
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    weight: Mapped[int]
    photo_required: Mapped[bool]
    shifts: Mapped[list[str]] = mapped_column(JSON)
    # Whether staff may answer N/A (``{"na": true}``): the item then leaves the score's sum.
    allow_na: Mapped[bool] = mapped_column(default=False, server_default=sql_false())
    # {"en": ..., "zh-Hant": ..., "zh-Hans": ...}: titles are data, so admins can word new rules.
    titles: Mapped[dict[str, str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Who made this version: None for the guide's own (installed by init-db or a migration).
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    rule: Mapped[Rule] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship()

    def title(self, language: str) -> str:
        """The title in ``language``, falling back to Traditional Chinese then English."""
        return self.titles.get(language) or self.titles.get("zh-Hant") or self.titles.get("en") or self.rule.key


def current_versions_query():  # type: ignore[no-untyped-def]
    """A select() of the newest version of every active rule, in display order."""
    latest = (
        select(RuleVersion.rule_id, db.func.max(RuleVersion.version).label("version"))
        .group_by(RuleVersion.rule_id)
        .subquery()
    )
    return (
        select(RuleVersion)
        .join(latest, (RuleVersion.rule_id == latest.c.rule_id) & (RuleVersion.version == latest.c.version))
        .join(Rule, Rule.id == RuleVersion.rule_id)
        .where(Rule.active.is_(True))
        .order_by(Rule.position, Rule.id)
    )
