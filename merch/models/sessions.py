"""Browser sign-ins, kept on the server so that signing out really ends them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from merch.extensions import db
from merch.models.org import User
from merch.models.types import UTCDateTime


class SignIn(db.Model):  # type: ignore[name-defined]
    """One browser's sign-in. Its random token is what the session cookie carries (and,
    with "keep me signed in", the remember cookie); only the token's SHA-256 is stored.
    Sign-out, a password change, "sign out everywhere" and deactivation end it."""

    __tablename__ = "sign_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
