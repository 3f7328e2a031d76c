"""POST /api/v1/submissions and GET /api/v1/submissions/<id>: the contract's checks."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from sqlalchemy import func, select

from merch.extensions import db
from merch.models import IdempotencyRecord, Photo, Submission
from merch.storage import storage_for
from tests import factories
from tests.conftest import api_login
from tests.factories import new_key, passing_answers, submission_form


def post_submission(client, headers, data=None, key=None, **headers_extra):
    return client.post(
        "/api/v1/submissions",
        data=submission_form() if data is None else data,
        headers={**headers, "Idempotency-Key": key or new_key(), **headers_extra},
        content_type="multipart/form-data",
    )


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def stored_files(app) -> list[bytes]:
    """Every file in the app's photo storage (folder or bucket), as bytes."""
    storage = storage_for(app)
    return [storage.get(stored.key) for stored in storage.files()]


def test_checklist_meeting_every_rule_scores_100(client, staff_headers):
    response = post_submission(client, staff_headers)

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["score"] == 100.0
    assert body["status"] == "submitted"
    assert body["store"] == "ZZ001"
    assert body["submitted_by"] == "staff1"
    assert body["business_date"] == "2026-11-24"
    assert body["late"] is False
    assert body["due_at"] == "2026-11-24T11:00:00+08:00"
    assert body["received_at"] == "2026-11-24T10:30:00+08:00"
    assert all(item["passed"] and item["reason"] is None and item["problems"] == [] for item in body["items"])
    assert [item["rule_version"] for item in body["items"]] == [1] * 16
    assert set(body["photos"]) == {"folded", "hanging", "window"}


def test_seven_thin_pieces_lower_the_score_and_the_reason_names_the_numbers(client, staff_headers):
    answers = passing_answers()
    answers["stack_count"] = {"stacks": [{"thickness": "thin", "count": 7}, {"thickness": "thin", "count": 5}]}

    response = post_submission(client, {**staff_headers, "Accept-Language": "en"}, submission_form(answers))

    body = response.get_json()
    assert response.status_code == 201
    assert body["score"] < 100
    stack = body["items"][0]
    assert stack["key"] == "stack_count"
    assert stack["passed"] is False
    assert stack["credit"] == 0.5
    assert stack["reason"] == "stack 1: 7 thin pieces, 4–6 allowed"
    assert stack["problems"] == ["stack 1: 7 thin pieces, 4–6 allowed"]
    # weight 2 at half credit out of a total weight of 20: 100 × 19 / 20
    assert body["score"] == 95.0


def test_reason_follows_the_shops_language_without_a_header(client, staff_headers):
    answers = passing_answers()
    answers["stack_count"] = {"stacks": [{"thickness": "thin", "count": 7}]}

    body = post_submission(client, staff_headers, submission_form(answers)).get_json()

    reason = body["items"][0]["reason"]
    assert "7" in reason and "4–6" in reason
    assert "stack" not in reason  # Simplified Chinese, the shop's language


def test_same_idempotency_key_twice_gives_one_submission(client, staff_headers):
    key = new_key()
    data = submission_form()
    photos = {name: value for name, value in data.items() if name.startswith("photo.")}
    raw = {name: [(f.getvalue(), fname) for f, fname in files] for name, files in photos.items()}

    def fresh_form():
        form = {"payload": data["payload"]}
        for name, files in raw.items():
            form[name] = [(io.BytesIO(content), fname) for content, fname in files]
        return form

    first = post_submission(client, staff_headers, fresh_form(), key=key)
    second = post_submission(client, staff_headers, fresh_form(), key=key)

    assert first.status_code == 201
    assert second.status_code == 200
    assert second.get_json()["id"] == first.get_json()["id"]
    assert count(Submission) == 1
    assert count(IdempotencyRecord) == 1


def test_reused_key_with_a_different_payload_is_refused(client, staff_headers):
    key = new_key()
    assert post_submission(client, staff_headers, key=key).status_code == 201
    answers = passing_answers()
    answers["window_clean"] = {"ok": False}

    response = post_submission(client, staff_headers, submission_form(answers), key=key)

    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "idempotency_key_reused"
    assert count(Submission) == 1


def test_second_checklist_for_the_same_shift_is_a_conflict(client, staff_headers):
    assert post_submission(client, staff_headers).status_code == 201

    response = post_submission(client, staff_headers)

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "already_submitted"


def test_staff_of_another_shop_cannot_read_a_submission(client, staff_headers):
    created = post_submission(client, staff_headers).get_json()
    other = factories.make_user("staff", username="staff2")
    db.session.commit()
    other_headers = api_login(client, other.username)

    response = client.get(f"/api/v1/submissions/{created['id']}", headers=other_headers)
    photo = client.get(created["photos"]["folded"][0]["url"], headers=other_headers)

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert photo.status_code == 404


def test_supervisor_reads_own_area_but_not_another(client, staff, staff_headers):
    created = post_submission(client, staff_headers).get_json()
    own = factories.make_user("supervisor", area=staff.shop.area)
    stranger = factories.make_user("supervisor")
    db.session.commit()

    own_view = client.get(f"/api/v1/submissions/{created['id']}", headers=api_login(client, own.username))
    stranger_view = client.get(f"/api/v1/submissions/{created['id']}", headers=api_login(client, stranger.username))

    assert own_view.status_code == 200 and own_view.get_json()["id"] == created["id"]
    assert stranger_view.status_code == 404


def test_text_file_posted_as_photo_is_refused_and_nothing_is_stored(app, client, staff_headers):
    data = submission_form(photos={"photo.folded": b"this is not a picture, just text\n"})

    response = post_submission(client, staff_headers, data)

    assert response.status_code == 415
    error = response.get_json()["error"]
    assert error["code"] == "unsupported_media_type"
    assert error["field"] == "photo.folded"
    assert count(Submission) == 0 and count(Photo) == 0
    assert stored_files(app) == []


def test_photo_named_after_an_item_counts_for_its_area(client, staff_headers):
    photos = {
        "photo.stack_count": factories.unique_jpeg(),
        "photo.hanging": factories.unique_jpeg(),
        "photo.window_clean": factories.unique_jpeg(),
    }

    body = post_submission(client, staff_headers, submission_form(photos=photos)).get_json()

    assert body["score"] == 100.0
    assert len(body["items"][0]["photos"]) == 1


def test_missing_required_photo_scores_zero_with_reason(client, staff_headers):
    photos = {"photo.folded": factories.unique_jpeg(), "photo.hanging": factories.unique_jpeg()}

    body = post_submission(
        client, {**staff_headers, "Accept-Language": "en"}, submission_form(photos=photos)
    ).get_json()

    window = {item["key"]: item for item in body["items"] if item["area"] == "window"}
    assert window["window_clean"]["passed"] is False
    assert window["window_clean"]["reason"] == "photo required"
    assert window["window_clean"]["credit"] == 0


def test_unanswered_item_scores_zero(client, staff_headers):
    answers = passing_answers()
    del answers["folded_grouping"]

    body = post_submission(client, {**staff_headers, "Accept-Language": "en"}, submission_form(answers)).get_json()

    grouping = next(item for item in body["items"] if item["key"] == "folded_grouping")
    assert grouping["passed"] is False and grouping["reason"] == "not answered"
    assert grouping["answer"] is None


def test_invalid_count_is_422_naming_the_field(client, staff_headers):
    answers = passing_answers()
    answers["stack_count"] = {"stacks": [{"thickness": "thin", "count": 5}, {"thickness": "thin", "count": 500}]}

    response = post_submission(client, staff_headers, submission_form(answers))

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_answer"
    assert error["field"] == "answers.stack_count.stacks[1].count"
    assert count(Submission) == 0


def test_unknown_size_is_invalid_not_a_fail(client, staff_headers):
    answers = passing_answers()
    answers["folded_size_order"] = {"sizes": ["XL", "XLL", "M"]}

    response = post_submission(client, {**staff_headers, "Accept-Language": "en"}, submission_form(answers))

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["field"] == "answers.folded_size_order.sizes[1]"
    assert "XLL" in error["message"]


def test_answer_for_a_rule_not_on_the_shift_is_unknown_item(client, staff_headers, clock):
    clock.set_local(2026, 11, 24, 21, 30)
    answers = factories.passing_closing_answers()
    answers["focal_point"] = {"ok": True}

    response = post_submission(client, staff_headers, submission_form(answers, shift="closing"))

    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "unknown_item"
    assert response.get_json()["error"]["field"] == "answers.focal_point"


def test_photo_for_an_area_not_on_the_shift_is_unknown_item(client, staff_headers, clock):
    clock.set_local(2026, 11, 24, 21, 30)
    photos = {**factories.all_area_photos(), "photo.focal": factories.unique_jpeg()}

    response = post_submission(
        client,
        staff_headers,
        submission_form(factories.passing_closing_answers(), shift="closing", photos=photos),
    )

    assert response.status_code == 422
    assert response.get_json()["error"] == {
        "code": "unknown_item",
        "field": "photo.focal",
        "message": response.get_json()["error"]["message"],
    }


def test_closing_checklist_before_its_window_is_too_early(client, staff_headers):
    response = post_submission(
        client, staff_headers, submission_form(factories.passing_closing_answers(), shift="closing")
    )

    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "too_early"


def test_closing_checklist_after_due_time_is_late(client, staff_headers, clock):
    clock.set_local(2026, 11, 24, 22, 45)

    body = post_submission(
        client, staff_headers, submission_form(factories.passing_closing_answers(), shift="closing")
    ).get_json()

    assert body["late"] is True
    assert body["score"] == 100.0


def test_offline_phone_sends_yesterdays_closing_with_its_completion_time(client, staff_headers, clock):
    clock.set_local(2026, 11, 25, 9, 5)
    data = submission_form(
        factories.passing_closing_answers(),
        shift="closing",
        business_date="2026-11-24",
        completed_at="2026-11-24T22:10:00+08:00",
    )

    response = post_submission(client, staff_headers, data)

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["business_date"] == "2026-11-24"
    assert body["completed_at"] == "2026-11-24T22:10:00+08:00"
    assert body["received_at"] == "2026-11-25T09:05:00+08:00"
    assert body["late"] is False


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"business_date": "2026-11-20"}, "business_date"),
        ({"business_date": "2026-11-25"}, "business_date"),
        ({"business_date": "24/11/2026"}, "business_date"),
        ({"business_date": "2025-12-31"}, "business_date"),
        ({"completed_at": "2026-11-23T10:30:00+08:00"}, "completed_at"),
        ({"completed_at": "2026-11-24T10:40:00+08:00"}, "completed_at"),
        ({"completed_at": "2026-11-24T10:30:00"}, "completed_at"),
        ({"completed_at": "yesterday"}, "completed_at"),
    ],
)
def test_dates_outside_the_contract_are_invalid(client, staff_headers, extra, field):
    response = post_submission(client, staff_headers, submission_form(**extra))

    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "invalid_date"
    assert response.get_json()["error"]["field"] == field


def test_fast_phone_clock_is_read_as_receipt_time(client, staff_headers):
    body = post_submission(client, staff_headers, submission_form(completed_at="2026-11-24T10:34:00+08:00")).get_json()

    assert body["completed_at"] == "2026-11-24T10:30:00+08:00"


@pytest.mark.parametrize(
    ("data", "headers", "field"),
    [
        ({"payload": "{not json"}, {}, "payload"),
        ({"payload": "[1, 2]"}, {}, "payload"),
        ({"payload": json.dumps({"shift": "opening", "answers": [1]})}, {}, "answers"),
        ({"payload": json.dumps({"shift": "lunch", "answers": {}})}, {}, "shift"),
        ({"other": "x"}, {}, "payload"),
        (
            {"payload": json.dumps({"shift": "opening", "answers": {}})},
            {"Idempotency-Key": "not-a-uuid"},
            "Idempotency-Key",
        ),
        (
            {"payload": json.dumps({"shift": "opening", "answers": {}}), "file": (io.BytesIO(b"x"), "a.jpg")},
            {},
            "file",
        ),
    ],
)
def test_malformed_requests_are_bad_requests(client, staff_headers, data, headers, field):
    response = client.post(
        "/api/v1/submissions",
        data=data,
        headers={**staff_headers, "Idempotency-Key": new_key(), **headers},
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"
    assert response.get_json()["error"]["field"] == field


def test_json_body_instead_of_multipart_is_bad_request(client, staff_headers):
    response = client.post(
        "/api/v1/submissions",
        json={"shift": "opening", "answers": {}},
        headers={**staff_headers, "Idempotency-Key": new_key()},
    )

    assert response.status_code == 400


def test_supervisor_cannot_submit(client, shop):
    supervisor = factories.make_user("supervisor", area=shop.area)
    db.session.commit()

    response = post_submission(client, api_login(client, supervisor.username))

    assert response.status_code == 403


def test_photo_over_20_mb_is_payload_too_large(app, client, staff_headers):
    app.config["MAX_PHOTO_BYTES"] = 2_000  # the limit is read from config; a small one keeps the test light
    photos = {"photo.folded": factories.jpeg_bytes(400, 300) + b"\0" * 3000}

    response = post_submission(client, staff_headers, submission_form(photos=photos))

    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"
    assert count(Submission) == 0


def test_more_than_forty_photos_is_payload_too_large(client, staff_headers):
    photos = {"photo.folded": [factories.jpeg_bytes(8, 8)] * 41}

    response = post_submission(client, staff_headers, submission_form(photos=photos))

    assert response.status_code == 413


def test_stored_photo_is_served_to_its_shop_with_private_caching(client, staff_headers):
    created = post_submission(client, staff_headers).get_json()
    photo = created["photos"]["folded"][0]

    with client.get(photo["url"], headers=staff_headers) as display:
        assert display.status_code == 200 and display.mimetype == "image/jpeg"
        assert "private" in display.headers["Cache-Control"]
        assert display.data[:2] == b"\xff\xd8"
    with client.get(photo["thumb_url"], headers=staff_headers) as thumb:
        assert thumb.status_code == 200 and thumb.data[:2] == b"\xff\xd8"


def test_recycled_photo_is_flagged(client, staff_headers, clock):
    same = factories.unique_jpeg()
    photos = {"photo.folded": same, "photo.hanging": same, "photo.window": factories.unique_jpeg()}

    body = post_submission(client, staff_headers, submission_form(photos=photos)).get_json()

    folded, hanging = body["photos"]["folded"][0], body["photos"]["hanging"][0]
    assert folded["duplicate_of"] is None
    assert hanging["duplicate_of"] == folded["id"]


def test_window_refresh_uses_the_shops_history(client, staff_headers, clock):
    answers = passing_answers()
    assert post_submission(client, staff_headers, submission_form(answers)).status_code == 201
    answers["window_refresh"] = {"changed_today": False}

    clock.set_local(2026, 11, 26, 10, 0)
    two_days_later = post_submission(client, staff_headers, submission_form(answers)).get_json()
    clock.set_local(2026, 11, 27, 10, 0)
    three_days_later = post_submission(
        client, {**staff_headers, "Accept-Language": "en"}, submission_form(answers)
    ).get_json()

    refresh = lambda body: next(item for item in body["items"] if item["key"] == "window_refresh")  # noqa: E731
    assert refresh(two_days_later)["passed"] is True
    assert refresh(three_days_later)["passed"] is False
    assert refresh(three_days_later)["reason"] == "window last changed 3 days ago: change it at least every 3 days"


def test_openapi_document_describes_the_calls(client):
    document = client.get("/api/v1/openapi.json").get_json()

    assert document["openapi"].startswith("3.")
    for path in (
        "/api/v1/login",
        "/api/v1/checklist",
        "/api/v1/submissions",
        "/api/v1/submissions/{id}",
        "/api/v1/photos/{id}",
    ):
        assert path in document["paths"]
    required = set(document["components"]["schemas"]["Submission"]["required"])
    assert {"id", "store", "score", "items", "late", "due_at"} <= required


def test_unknown_api_path_and_method_answer_json(client, staff_headers):
    missing = client.get("/api/v1/nothing-here", headers=staff_headers)
    wrong_method = client.delete("/api/v1/checklist", headers=staff_headers)

    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    assert wrong_method.status_code == 405
    assert wrong_method.get_json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    "payload",
    ["[" * 50_000, '{"shift": "opening", "answers": {"hang_count": {"counts": [NaN]}}}'],
    ids=["deeply-nested", "nan"],
)
def test_hostile_payloads_are_answered_not_crashed_on(client, staff_headers, payload):
    response = client.post(
        "/api/v1/submissions",
        data={"payload": payload},
        headers={**staff_headers, "Idempotency-Key": new_key()},
        content_type="multipart/form-data",
    )

    assert response.status_code in (400, 422)
    assert response.get_json()["error"]["code"] in ("bad_request", "invalid_answer")


def test_deeply_nested_login_body_is_a_bad_request(client):
    response = client.post("/api/v1/login", data="[" * 50_000, content_type="application/json")

    assert response.status_code == 400


def test_ids_beyond_64_bits_are_not_found(client, staff_headers):
    huge = 10**25

    assert client.get(f"/api/v1/photos/{huge}", headers=staff_headers).status_code == 404
    assert client.get(f"/api/v1/submissions/{huge}", headers=staff_headers).status_code == 404


def test_photo_taken_inside_the_window_is_not_flagged_and_one_without_exif_is_unknown(client, staff_headers):
    from tests.images import phone_jpeg

    # phone_jpeg records 09:58:07 +08:00 on 2026-11-24; the opening window opens at 09:00
    photos = {
        "photo.folded": phone_jpeg(),
        "photo.hanging": factories.unique_jpeg(),
        "photo.window": factories.unique_jpeg(),
    }

    body = post_submission(client, staff_headers, submission_form(photos=photos)).get_json()

    assert body["photos"]["folded"][0]["taken_before_window"] is False
    assert body["photos"]["folded"][0]["captured_at"] == "2026-11-24T09:58:07+08:00"
    assert body["photos"]["window"][0]["taken_before_window"] is None


def test_photo_from_the_day_before_is_flagged(client, staff_headers):
    import io as _io

    from PIL import Image

    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2026:11:23 18:00:00"
    buffer = _io.BytesIO()
    Image.new("RGB", (40, 30), (10, 20, 30)).save(buffer, "JPEG", exif=exif.tobytes())
    photos = {**factories.all_area_photos(), "photo.window": buffer.getvalue()}

    body = post_submission(client, staff_headers, submission_form(photos=photos)).get_json()

    window = body["photos"]["window"][0]
    assert window["taken_before_window"] is True
    assert window["captured_at"] == "2026-11-23T18:00:00+08:00"


def test_app_pages_may_call_the_api_with_their_session_and_csrf_header(client, signed_in_staff):
    from tests.conftest import csrf_from

    token = csrf_from(client.get("/checklist/opening").get_data(as_text=True))

    without = client.post(
        "/api/v1/submissions",
        data=submission_form(),
        headers={"Idempotency-Key": new_key()},
        content_type="multipart/form-data",
    )
    with_token = client.post(
        "/api/v1/submissions",
        data=submission_form(),
        headers={"Idempotency-Key": new_key(), "X-CSRFToken": token},
        content_type="multipart/form-data",
    )

    assert without.status_code == 400
    assert without.get_json()["error"]["code"] == "csrf_failed"
    assert with_token.status_code == 201


def test_stored_files_are_clean_copies_and_the_original_is_not_kept(app, client, staff_headers):
    from PIL import Image

    from tests.images import XMP_PACKET, phone_jpeg

    original = phone_jpeg(2400, 1800, orientation=6, comment=b"shop secret", xmp=XMP_PACKET)
    photos = {
        "photo.folded": original,
        "photo.hanging": factories.unique_jpeg(),
        "photo.window": factories.unique_jpeg(),
    }

    body = post_submission(client, staff_headers, submission_form(photos=photos)).get_json()

    files = stored_files(app)
    assert len(files) == 6  # a display copy and a thumbnail per photo, nothing else
    assert all(data != original for data in files)
    folded = db.session.get(Photo, body["photos"]["folded"][0]["id"])
    assert folded.sha256 == hashlib.sha256(original).hexdigest()
    for key in (folded.display_path, folded.thumb_path):
        data = storage_for(app).get(key)
        with Image.open(io.BytesIO(data)) as stored:
            assert stored.width < stored.height  # upright portrait
            assert max(stored.size) <= 1600
            assert dict(stored.getexif()) == {}
            assert not {"comment", "xmp", "icc_profile", "exif"} & set(stored.info)
        assert b"Exif" not in data and b"shop secret" not in data and b"ns.adobe.com/xap" not in data


def test_request_over_the_size_cap_is_payload_too_large(app, client, staff_headers):
    app.config["MAX_CONTENT_LENGTH"] = 5_000  # 60 MB in production; small here to keep the test light

    response = post_submission(client, staff_headers, submission_form(photos={"photo.folded": b"\xff" * 10_000}))

    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"
    assert count(Submission) == 0


def test_reading_a_submission_takes_a_fixed_number_of_queries(client, staff_headers, count_queries):
    created = post_submission(client, staff_headers).get_json()
    db.session.close()

    with count_queries() as statements:
        response = client.get(f"/api/v1/submissions/{created['id']}", headers=staff_headers)

    assert response.status_code == 200
    assert len(statements) <= 10  # token, user, submission, items, rules, photos: not one per item


def test_staff_of_an_inactive_shop_cannot_submit(client, staff, staff_headers):
    staff.shop.active = False
    db.session.commit()

    response = post_submission(client, staff_headers)

    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
