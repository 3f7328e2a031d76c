"""flask --app merch backup | restore | check-storage, on whichever database and storage run.

The suite runs this on SQLite with the upload folder; CI runs it again on PostgreSQL and
again with object storage (moto), so the backup-restore round trip is proven on each.
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect, select, text

from merch import create_app
from merch.extensions import db
from merch.models import ItemResult, Photo, Submission
from merch.services.storage_check import ORPHAN_GRACE
from merch.storage import S3Storage, storage_for
from tests import factories
from tests.conftest import api_login
from tests.factories import new_key, submission_form


def submit(client, headers, shift="opening") -> dict[str, Any]:
    answers = factories.passing_answers() if shift == "opening" else factories.passing_closing_answers()
    response = client.post(
        "/api/v1/submissions",
        data=submission_form(answers, shift=shift),
        headers={**headers, "Idempotency-Key": new_key()},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def empty_instance(app, tmp_path: Path, clock) -> Any:
    """A second app on an empty database and empty storage, as a restore would meet it.

    SQLite: a new file. PostgreSQL: the test's own database, emptied (tests may use one
    database only), after the first app's tables are dropped.
    """
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'restored.sqlite'}"
    else:
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()
    restored = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            "UPLOAD_FOLDER": str(tmp_path / "restored-uploads"),
            "S3_PREFIX": f"restored-{uuid.uuid4().hex}",
            "CLOCK": clock,
            "PASSWORD_HASH_METHOD": app.config["PASSWORD_HASH_METHOD"],  # the backup's users' hashes
        }
    )
    storage = storage_for(restored)
    if isinstance(storage, S3Storage):
        storage.ensure_bucket()
    return restored


def test_a_backup_restores_into_an_empty_instance_with_every_submission_and_photo(
    app, client, runner, staff_headers, clock, tmp_path
):
    first = submit(client, staff_headers)
    clock.set_local(2026, 11, 24, 21, 30)
    second = submit(client, staff_headers, shift="closing")
    photos_before = {
        photo.id: (photo.display_path, photo.thumb_path, photo.sha256) for photo in db.session.scalars(select(Photo))
    }
    files_before = {key: storage_for(app).get(key) for paths in photos_before.values() for key in paths[:2]}
    assert len(photos_before) == 6 and all(files_before.values())

    backup = tmp_path / "backup"
    db.session.close()  # the test client's requests share this session; end its transaction
    made = runner.invoke(args=["backup", str(backup)])

    assert made.exit_code == 0, made.output
    assert "2 submissions" in made.output and "12 photo files" in made.output
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["tables"]["submissions"] == 2 and manifest["photo_files"] == 12

    restored = empty_instance(app, tmp_path, clock)
    with restored.app_context():
        result = restored.test_cli_runner().invoke(args=["restore", str(backup)])
        assert result.exit_code == 0, result.output
        try:
            assert db.session.scalar(select(func.count()).select_from(Submission)) == 2
            assert db.session.scalar(select(func.count()).select_from(ItemResult)) == 16 + 5  # opening + closing
            photos_after = {
                photo.id: (photo.display_path, photo.thumb_path, photo.sha256)
                for photo in db.session.scalars(select(Photo))
            }
            assert photos_after == photos_before
            storage = storage_for(restored)
            assert {key: storage.get(key) for key in files_before} == files_before

            # The restored instance works: the shop signs in and sees its checklist and photo.
            restored_client = restored.test_client()
            headers = api_login(restored_client, "staff1")
            for created in (first, second):
                body = restored_client.get(f"/api/v1/submissions/{created['id']}", headers=headers).get_json()
                assert body["score"] == created["score"] and body["items"] == created["items"]
            photo_url = first["photos"]["window"][0]["url"]
            with restored_client.get(photo_url, headers=headers) as photo:
                assert photo.status_code == 200 and photo.data[:2] == b"\xff\xd8"
        finally:
            db.session.remove()
            db.engine.dispose()


def test_restore_refuses_a_database_that_is_not_empty(app, runner, staff, tmp_path):
    backup = tmp_path / "backup"
    db.session.close()
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0

    result = runner.invoke(args=["restore", str(backup)])

    assert result.exit_code != 0
    assert "not empty" in result.output
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 0
    assert "users" in inspect(db.engine).get_table_names()


def test_backup_refuses_a_folder_that_holds_something_and_restore_a_folder_without_a_backup(runner, tmp_path):
    used = tmp_path / "used"
    used.mkdir()
    (used / "notes.txt").write_text("keep me")

    backup = runner.invoke(args=["backup", str(used)])
    restore = runner.invoke(args=["restore", str(used)])

    assert backup.exit_code != 0 and "not empty" in backup.output
    assert restore.exit_code != 0 and "manifest.json" in restore.output
    assert (used / "notes.txt").read_text() == "keep me"


def written_at(storage, key: str, moment) -> None:
    """Set when a stored file was written (folder back end only: its mtime)."""
    stamp = moment.timestamp()
    os.utime(storage.root / key, (stamp, stamp))


def test_check_storage_lists_orphans_and_missing_files_and_removes_only_old_orphans(
    app, client, runner, staff_headers, clock
):
    created = submit(client, staff_headers)
    storage = storage_for(app)
    photo = db.session.get(Photo, created["photos"]["folded"][0]["id"])
    storage.delete(photo.thumb_path)
    storage.put("shop-1/2026-11/left-by-a-crash.jpg", b"\xff\xd8 orphan")
    storage.put("shop-1/2026-11/upload-in-flight.jpg", b"\xff\xd8 in flight")
    if isinstance(storage, S3Storage):
        clock.now = datetime.now(UTC)  # the bucket stamps objects with its own clock
    else:
        for stored in storage.files():
            written_at(storage, stored.key, clock.now)
        written_at(storage, "shop-1/2026-11/left-by-a-crash.jpg", clock.now - ORPHAN_GRACE - timedelta(minutes=1))
    db.session.close()

    listed = runner.invoke(args=["check-storage"])

    assert listed.exit_code == 1
    assert f"missing  {photo.thumb_path}  (photos.thumb_path, row {photo.id})" in listed.output
    assert "upload-in-flight.jpg" in listed.output and "recent" in listed.output
    if isinstance(storage, S3Storage):
        return  # object timestamps cannot be set back; the grace period is shown above
    assert "orphan   shop-1/2026-11/left-by-a-crash.jpg" in listed.output
    assert storage.exists("shop-1/2026-11/left-by-a-crash.jpg")

    swept = runner.invoke(args=["check-storage", "--remove-orphans"])

    assert "removed  shop-1/2026-11/left-by-a-crash.jpg" in swept.output
    assert not storage.exists("shop-1/2026-11/left-by-a-crash.jpg")
    assert storage.exists("shop-1/2026-11/upload-in-flight.jpg")  # too young to be an orphan
    assert storage.exists(photo.display_path)


def test_check_storage_is_quiet_when_storage_and_rows_agree(app, client, runner, staff_headers, clock):
    submit(client, staff_headers)
    clock.now += ORPHAN_GRACE  # nothing is in flight any more
    db.session.close()

    result = runner.invoke(args=["check-storage"])

    assert result.exit_code == 0, result.output
    assert "6 files, 6 references, 0 missing, 0 orphans" in result.output


def test_a_failed_submission_leaves_no_file_behind(app, client, staff_headers, monkeypatch):
    from merch.services import submissions

    def fail_after_writing(*args: Any, **kwargs: Any) -> None:
        real_store(*args, **kwargs)
        raise RuntimeError("database went away")

    real_store = submissions._store_photos
    monkeypatch.setattr(submissions, "_store_photos", fail_after_writing)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    response = client.post(
        "/api/v1/submissions",
        data=submission_form(),
        headers={**staff_headers, "Idempotency-Key": new_key()},
        content_type="multipart/form-data",
    )

    assert response.status_code == 500
    assert list(storage_for(app).files()) == []
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 0
