"""merch.storage: the one way photo files are written and read, on both back ends.

The folder back end always runs; the object-storage one runs where MERCH_S3_BUCKET names a
bucket (CI starts moto's S3 server on loopback and sets it), each test under its own prefix.
"""

from __future__ import annotations

import os
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from merch.storage import LocalFolderStorage, PhotoStorage, S3Storage, photo_keys, storage_from_config, valid_key

BACKENDS = [
    "folder",
    pytest.param(
        "s3",
        marks=pytest.mark.skipif(
            not os.environ.get("MERCH_S3_BUCKET"), reason="MERCH_S3_BUCKET is not set (CI sets it with moto)"
        ),
    ),
]


@pytest.fixture(params=BACKENDS)
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> PhotoStorage:
    if request.param == "folder":
        return LocalFolderStorage(tmp_path / "uploads")
    s3 = S3Storage(
        os.environ["MERCH_S3_BUCKET"],
        prefix=f"storage-test-{uuid.uuid4().hex}",
        endpoint_url=os.environ.get("MERCH_S3_ENDPOINT_URL") or None,
    )
    s3.ensure_bucket()
    return s3


def test_a_written_file_reads_back_byte_for_byte(storage):
    data = os.urandom(200_000)

    storage.put("shop-1/2026-11/abc.jpg", data)

    assert storage.get("shop-1/2026-11/abc.jpg") == data
    assert storage.exists("shop-1/2026-11/abc.jpg")


def test_a_missing_file_reads_as_none_and_deleting_it_is_harmless(storage):
    assert storage.get("shop-1/2026-11/none.jpg") is None
    assert not storage.exists("shop-1/2026-11/none.jpg")
    storage.delete("shop-1/2026-11/none.jpg")


def test_deleted_files_are_gone_and_the_listing_shows_what_is_stored(storage):
    storage.put("shop-1/2026-11/a.jpg", b"a" * 10)
    storage.put("shop-2/2026-12/b.thumb.jpg", b"b" * 20)
    storage.put("shop-1/2026-11/c.jpg", b"c")

    storage.delete("shop-1/2026-11/c.jpg")

    listed = {item.key: item for item in storage.files()}
    assert set(listed) == {"shop-1/2026-11/a.jpg", "shop-2/2026-12/b.thumb.jpg"}
    assert listed["shop-2/2026-12/b.thumb.jpg"].size == 20
    # Aware UTC times (CI also runs under libfaketime, so no comparison with "now" here).
    assert all(item.modified_at.utcoffset() == timedelta(0) for item in listed.values())
    assert storage.get("shop-1/2026-11/c.jpg") is None


def test_rewriting_a_key_replaces_the_whole_file(storage):
    storage.put("shop-1/2026-11/a.jpg", b"first version, longer")
    storage.put("shop-1/2026-11/a.jpg", b"second")

    assert storage.get("shop-1/2026-11/a.jpg") == b"second"


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs.jpg", "a//b.jpg", "a/./b.jpg", "", "a\\b.jpg", "a/.."])
def test_keys_that_could_leave_the_storage_root_are_refused(storage, key):
    with pytest.raises(ValueError):
        storage.put(key, b"x")
    with pytest.raises(ValueError):
        valid_key(key)


def test_photo_keys_are_new_each_time_and_name_the_shop_and_month():
    display, thumb = photo_keys(7, datetime(2026, 11, 24).date())
    again, _ = photo_keys(7, datetime(2026, 11, 24).date())

    assert display.startswith("shop-7/2026-11/") and display.endswith(".jpg")
    assert thumb == display.removesuffix(".jpg") + ".thumb.jpg"
    assert again != display
    assert valid_key(display) == display


def test_an_interrupted_folder_write_leaves_no_file_under_the_key(tmp_path, monkeypatch):
    storage = LocalFolderStorage(tmp_path)

    def broken_replace(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        storage.put("shop-1/2026-11/a.jpg", b"x" * 100)

    assert storage.get("shop-1/2026-11/a.jpg") is None
    assert list(storage.files()) == []  # the temporary file was removed too


def test_the_environment_chooses_the_back_end(tmp_path):
    folder = storage_from_config({"UPLOAD_FOLDER": str(tmp_path), "S3_BUCKET": ""})
    bucket = storage_from_config(
        {"UPLOAD_FOLDER": str(tmp_path), "S3_BUCKET": "photos", "S3_PREFIX": "/merch/", "S3_ENDPOINT_URL": ""}
    )

    assert isinstance(folder, LocalFolderStorage) and folder.root == tmp_path
    assert isinstance(bucket, S3Storage)
    assert bucket.bucket == "photos" and bucket.prefix == "merch/" and bucket.endpoint_url is None
