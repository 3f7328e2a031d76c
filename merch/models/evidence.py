"""Photo fingerprints and the index that finds an earlier copy among every shop's photos."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from merch.extensions import db


class PhotoFingerprint(db.Model):  # type: ignore[name-defined]
    """A photo's perceptual fingerprint (merch.evidence): read only for the close calls."""

    __tablename__ = "photo_fingerprints"

    photo_id: Mapped[int] = mapped_column(ForeignKey("photos.id", ondelete="CASCADE"), primary_key=True)
    # Signed 64-bit, as BIGINT holds them (merch.evidence.Fingerprint.to_signed).
    phash: Mapped[int] = mapped_column(BigInteger)
    core: Mapped[int] = mapped_column(BigInteger)
    detail: Mapped[bytes] = mapped_column(LargeBinary)
    layout: Mapped[bytes] = mapped_column(LargeBinary)


class PhotoHashBand(db.Model):  # type: ignore[name-defined]
    """One 16-bit band of one of a photo's 64-bit hashes: the multi-index hash table.

    ``band_key`` packs which hash (whole picture or core), which band (0–3) and the band's
    value, so one B-tree answers "which photos share this band": a lookup probes a few
    hundred keys of a table of eight rows per photo and reads only the rows it hits. The
    primary key (band_key, photo_id) is that index and covers the lookup.
    """

    __tablename__ = "photo_hash_bands"

    band_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    photo_id: Mapped[int] = mapped_column(
        ForeignKey("photos.id", ondelete="CASCADE"), primary_key=True, autoincrement=False, index=True
    )
