"""api.md checks a request in one order and answers the first failure: 401, 403, 400, 413, …, 415, image_too_large."""

from __future__ import annotations

import io
import json

from sqlalchemy import func, select

from merch.extensions import db
from merch.models import Submission
from tests import factories
from tests.conftest import page_login
from tests.factories import new_key, submission_form
from tests.images import png_header_only


def submissions_stored() -> int:
    return db.session.scalar(select(func.count()).select_from(Submission))


def test_a_file_that_is_no_image_answers_415_even_after_an_image_over_the_pixel_limit(client, staff_headers):
    photos = {
        "photo.folded": png_header_only(8000, 7000),  # 56 megapixels, over the 50 MP limit
        "photo.hanging": b"shopping list: hangers, tags, tape\n",
    }

    response = client.post(
        "/api/v1/submissions",
        data=submission_form(photos=photos),
        headers={**staff_headers, "Idempotency-Key": new_key()},
        content_type="multipart/form-data",
    )

    assert response.status_code == 415
    assert response.get_json()["error"] == {
        "code": "unsupported_media_type",
        "message": response.get_json()["error"]["message"],
        "field": "photo.hanging",
    }
    assert submissions_stored() == 0


def test_an_image_over_the_pixel_limit_alone_is_image_too_large(client, staff_headers):
    response = client.post(
        "/api/v1/submissions",
        data=submission_form(photos={"photo.folded": png_header_only(8000, 7000)}),
        headers={**staff_headers, "Idempotency-Key": new_key()},
        content_type="multipart/form-data",
    )

    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "image_too_large"


def test_a_body_over_the_size_cap_without_idempotency_key_is_400_not_413(app, client, staff_headers):
    app.config["MAX_CONTENT_LENGTH"] = 5_000  # 60 MB in production; small here to keep the test light

    response = client.post(
        "/api/v1/submissions",
        data=submission_form(photos={"photo.folded": b"\xff" * 10_000}),
        headers=staff_headers,
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"
    assert response.get_json()["error"]["field"] == "Idempotency-Key"


def test_a_supervisors_cookie_submission_without_csrf_header_is_forbidden_first(client, shop):
    supervisor = factories.make_user("supervisor", area=shop.area)
    db.session.commit()
    page_login(client, supervisor.username)

    response = client.post(
        "/api/v1/submissions",
        data={"payload": json.dumps({"shift": "opening", "answers": {}}), "photo.folded": (io.BytesIO(b""), "x.jpg")},
        headers={"Idempotency-Key": new_key()},
        content_type="multipart/form-data",
    )

    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_staffs_cookie_submission_without_csrf_header_is_still_csrf_failed(client, signed_in_staff):
    response = client.post(
        "/api/v1/submissions",
        data=submission_form(),
        headers={"Idempotency-Key": new_key()},
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"


def test_a_supervisors_cookie_visit_without_csrf_header_is_csrf_failed(client, shop):
    supervisor = factories.make_user("supervisor", area=shop.area)
    db.session.commit()
    page_login(client, supervisor.username)

    response = client.post(
        "/api/v1/submissions",
        data={"payload": json.dumps({"shift": "visit", "store": shop.code, "answers": {}})},
        headers={"Idempotency-Key": new_key()},
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"
