"""Corrective actions: opened on review, closed by the shop with a photo, verified or reopened."""

from __future__ import annotations

import io
import json

import pytest

from merch.extensions import db
from merch.models import Photo, Submission
from tests.factories import jpeg_bytes, passing_answers
from tests.supervision import headers_for, make_cast, submit


@pytest.fixture
def cast(shop, staff):
    return make_cast(shop, staff)


@pytest.fixture
def action(client, cast):
    answers = passing_answers()
    answers["window_clean"] = {"ok": False}
    created = submit(client, headers_for(client, cast.staff), answers)
    body = client.post(
        f"/api/v1/submissions/{created['id']}/review",
        json={"action": "reviewed", "actions": [{"key": "window_clean", "comment": "clean the glass"}]},
        headers=headers_for(client, cast.supervisor),
    ).get_json()
    return body["actions"][0]


def close(client, headers, action_id, note="cleaned", photos=None):
    data = {"payload": json.dumps({"note": note})}
    files = [jpeg_bytes(colour=(40, 200, 10))] if photos is None else photos
    if files:
        data["photo"] = [(io.BytesIO(content), "fixed.jpg") for content in files]
    return client.post(
        f"/api/v1/actions/{action_id}/close", data=data, headers=headers, content_type="multipart/form-data"
    )


def test_the_shop_closes_an_action_with_a_photo_and_the_supervisor_verifies(client, cast, action, clock):
    assert action["status"] == "open" and action["comment"] == "clean the glass" and action["title"]
    clock.set_local(2026, 11, 24, 15, 0)

    closed = close(client, headers_for(client, cast.staff), action["id"])

    body = closed.get_json()
    assert closed.status_code == 200, body
    assert body["status"] == "closed" and body["closed_by"] == "staff1" and body["note"] == "cleaned"
    assert body["closed_at"] == "2026-11-24T15:00:00+08:00"
    (photo,) = body["photos"]
    shown = client.get(photo["url"], headers=headers_for(client, cast.supervisor))
    assert shown.status_code == 200 and shown.data[:2] == b"\xff\xd8"
    shown.close()
    assert client.get(photo["thumb_url"], headers=headers_for(client, cast.other_supervisor)).status_code == 404

    verified = client.post(
        f"/api/v1/actions/{action['id']}/verify",
        json={"action": "verified", "comment": "good"},
        headers=headers_for(client, cast.supervisor),
    ).get_json()
    assert (
        verified["status"] == "verified"
        and verified["verified_by"] == "super1"
        and verified["verify_comment"] == "good"
    )


def test_closing_does_not_change_the_score_or_the_checklist_photos(client, cast, action):
    submission = db.session.get(Submission, action["submission_id"])
    score, photos = submission.score, len(submission.photos)

    close(client, headers_for(client, cast.staff), action["id"])

    db.session.expire_all()
    submission = db.session.get(Submission, action["submission_id"])
    assert submission.score == score and len(submission.photos) == photos
    assert db.session.query(Photo).filter(Photo.action_id == action["id"]).count() == 1


def test_a_reopened_action_is_open_again_with_its_photos(client, cast, action):
    close(client, headers_for(client, cast.staff), action["id"])
    reopened = client.post(
        f"/api/v1/actions/{action['id']}/verify",
        json={"action": "reopened", "comment": "still dusty"},
        headers=headers_for(client, cast.supervisor),
    ).get_json()

    assert reopened["status"] == "open" and len(reopened["photos"]) == 1
    again = close(client, headers_for(client, cast.staff), action["id"], photos=[jpeg_bytes(colour=(250, 3, 3))])
    assert again.get_json()["status"] == "closed" and len(again.get_json()["photos"]) == 2


def test_closing_needs_a_photo_and_a_note(client, cast, action):
    staff = headers_for(client, cast.staff)

    no_photo = close(client, staff, action["id"], photos=[])
    no_note = close(client, staff, action["id"], note="  ")
    not_a_photo = close(client, staff, action["id"], photos=[b"not an image at all"])

    assert no_photo.status_code == 422 and no_photo.get_json()["error"]["field"] == "photo"
    assert no_note.status_code == 422 and no_note.get_json()["error"]["field"] == "note"
    assert not_a_photo.status_code == 415
    assert client.get("/api/v1/actions?status=open", headers=staff).get_json()["actions"][0]["id"] == action["id"]


def test_closing_with_photos_that_decode_too_many_pixels_is_413_and_keeps_the_action_open(client, cast, action):
    from tests.images import png_header_only

    staff = headers_for(client, cast.staff)
    photos_before = db.session.query(Photo).count()

    # Five 49 MP PNGs decode 245 MP in full, over the 200 MP a request may cost.
    refused = close(client, staff, action["id"], photos=[png_header_only(7000, 7000) for _ in range(5)])

    assert refused.status_code == 413
    assert refused.get_json()["error"]["code"] == "payload_too_large"
    assert refused.get_json()["error"]["field"] == "photo"
    db.session.expire_all()
    assert db.session.query(Photo).count() == photos_before
    assert client.get("/api/v1/actions?status=open", headers=staff).get_json()["actions"][0]["id"] == action["id"]


def test_a_closed_action_cannot_be_closed_again_and_an_open_one_not_verified(client, cast, action):
    supervisor = headers_for(client, cast.supervisor)
    early = client.post(f"/api/v1/actions/{action['id']}/verify", json={"action": "verified"}, headers=supervisor)
    close(client, headers_for(client, cast.staff), action["id"])
    twice = close(client, headers_for(client, cast.staff), action["id"])
    bad = client.post(f"/api/v1/actions/{action['id']}/verify", json={"action": "maybe"}, headers=supervisor)

    assert early.status_code == 422 and twice.status_code == 422 and bad.status_code == 400


def test_action_list_filters_by_status_and_scope(client, cast, action):
    supervisor = headers_for(client, cast.supervisor)

    assert [a["id"] for a in client.get("/api/v1/actions?status=open", headers=supervisor).get_json()["actions"]] == [
        action["id"]
    ]
    assert client.get("/api/v1/actions?status=closed", headers=supervisor).get_json()["actions"] == []
    assert client.get("/api/v1/actions", headers=headers_for(client, cast.other_supervisor)).get_json()["actions"] == []
    assert client.get("/api/v1/actions", headers=headers_for(client, cast.other_staff)).get_json()["actions"] == []
    assert (
        len(client.get("/api/v1/actions?status=all", headers=headers_for(client, cast.admin)).get_json()["actions"])
        == 1
    )
    assert client.get("/api/v1/actions?status=done", headers=supervisor).status_code == 400


def test_scope_of_close_and_verify(client, cast, action):
    url = f"/api/v1/actions/{action['id']}"

    assert close(client, headers_for(client, cast.other_staff), action["id"]).status_code == 404
    assert close(client, headers_for(client, cast.supervisor), action["id"]).status_code == 403
    close(client, headers_for(client, cast.staff), action["id"])
    verify = {"action": "verified"}
    assert client.post(f"{url}/verify", json=verify, headers=headers_for(client, cast.staff)).status_code == 403
    assert (
        client.post(f"{url}/verify", json=verify, headers=headers_for(client, cast.other_supervisor)).status_code == 404
    )
    assert client.post(f"{url}/verify", json=verify, headers=headers_for(client, cast.admin)).status_code == 200


def test_a_photo_closing_an_action_is_checked_for_reuse_and_later_copies_of_it_are_caught(client, cast, clock):
    from merch.models.evidence import PhotoFingerprint
    from tests.api.test_evidence import _photos, _shot
    from tests.evidence_images import COPIES, jpeg

    clock.set_local(2026, 11, 23, 10, 30)
    answers = passing_answers()
    answers["window_clean"] = {"ok": False}
    earlier = submit(client, headers_for(client, cast.staff), answers, photos=_photos(window=jpeg(_shot(13), 92)))
    opened = client.post(
        f"/api/v1/submissions/{earlier['id']}/review",
        json={"action": "reviewed", "actions": [{"key": "window_clean", "comment": "clean the glass"}]},
        headers=headers_for(client, cast.supervisor),
    ).get_json()["actions"][0]
    clock.set_local(2026, 11, 23, 15, 0)

    # The "fix" is the morning's window photo again, re-saved.
    closed = close(client, headers_for(client, cast.staff), opened["id"], photos=[COPIES["resaved_q95"](_shot(13))])

    assert closed.status_code == 200, closed.get_json()
    fix = db.session.get(Photo, closed.get_json()["photos"][0]["id"])
    assert fix.reused_of_id == earlier["photos"]["window"][0]["id"]
    # And it enters the index, so that later copies of a fix photo are found too.
    assert db.session.get(PhotoFingerprint, fix.id) is not None
