"""Two phones at once: one submission per key and per checklist, on every backend."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from merch.extensions import db
from merch.models import Submission
from tests.conftest import api_login
from tests.factories import all_area_photos, new_key, submission_form


def _race(app, headers, keys, photos):
    results: list[int] = []
    barrier = threading.Barrier(len(keys))

    def send(key: str) -> None:
        client = app.test_client()
        form = submission_form(photos=photos)
        barrier.wait()
        response = client.post(
            "/api/v1/submissions",
            data=form,
            headers={**headers, "Idempotency-Key": key},
            content_type="multipart/form-data",
        )
        results.append(response.status_code)

    # The test's own session must not sit on SQLite's write lock while the phones race.
    db.session.rollback()
    threads = [threading.Thread(target=send, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(results)


def test_concurrent_resends_with_one_key_create_one_submission(app, client, staff):
    headers = api_login(client, staff.username)
    key = new_key()

    statuses = _race(app, headers, [key, key, key], all_area_photos())

    assert statuses == [200, 200, 201]
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 1


def test_two_phones_submitting_one_checklist_get_one_submission_and_a_conflict(app, client, staff):
    headers = api_login(client, staff.username)

    statuses = _race(app, headers, [new_key(), new_key()], all_area_photos())

    assert statuses == [201, 409]
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 1
