"""The three 500s found by fuzzing (issue 13, item 6), each now a clear answer.

The NUL byte one only ever failed on PostgreSQL: CI runs tests/security there too
(MERCH_TEST_DATABASE_URL).
"""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image
from sqlalchemy import select

from merch.extensions import db
from merch.models import Photo
from tests.factories import PASSWORD, new_key, submission_form, unique_jpeg


def _raw_login(client, username_json: str, password_json: str):
    # Written by hand: json.dumps would not send a lone surrogate as the fuzzer did.
    body = '{"username": ' + username_json + ', "password": ' + password_json + "}"
    return client.post("/api/v1/login", data=body, content_type="application/json")


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ('"\\ud800"', '"whatever-1"'),
        ('"staff1"', '"\\ud800"'),
        ('"sta\\udfffff1"', '"pass\\ud83d"'),
        ('"\\ud800"', '"\\udc00"'),
    ],
)
def test_a_lone_surrogate_in_the_sign_in_is_wrong_credentials_not_500(client, staff, username, password):
    response = _raw_login(client, username, password)

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_credentials"
    # and the right password still works afterwards
    assert client.post("/api/v1/login", json={"username": "staff1", "password": PASSWORD}).status_code == 200


@pytest.mark.parametrize("username", ["staff1\u0000", "\u0000", "st\u0000aff1", "staff1\u0000' OR 1=1 --"])
def test_a_nul_byte_in_the_username_is_wrong_credentials_on_every_database(client, staff, username):
    api = client.post("/api/v1/login", json={"username": username, "password": PASSWORD})

    assert api.status_code == 401
    assert api.get_json()["error"]["code"] == "invalid_credentials"


def test_a_nul_byte_in_the_sign_in_page_is_a_wrong_password_message(client, staff):
    from tests.conftest import csrf_from

    token = csrf_from(client.get("/login").get_data(as_text=True))

    page = client.post(
        "/login",
        data={"username": "staff1\x00", "password": PASSWORD + "\x00", "csrf_token": token},
        headers={"Accept-Language": "en"},
    )

    assert page.status_code == 422
    assert "Wrong username or password." in page.get_data(as_text=True)


def _jpeg_taken(when: str, offset: str | None = None) -> bytes:
    exif = Image.Exif()
    details = exif.get_ifd(0x8769)
    details[0x9003] = when
    if offset:
        details[0x9011] = offset
    exif[0x0132] = when  # DateTime too
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 160, 90)).save(buffer, "JPEG", quality=85, exif=exif.tobytes())
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("when", "offset"),
    [
        ("0001:01:01 00:00:00", None),
        ("0001:01:01 00:00:00", "+14:00"),
        ("9999:12:31 23:59:59", None),
        ("9999:12:31 23:59:59", "-12:00"),
        ("1900:01:01 00:00:00", "+08:00"),
    ],
)
def test_a_photo_taken_in_year_1_or_9999_is_stored_without_a_capture_time(client, staff_headers, when, offset):
    photos = {"photo.folded": _jpeg_taken(when, offset), "photo.hanging": unique_jpeg(), "photo.window": unique_jpeg()}

    response = client.post(
        "/api/v1/submissions",
        data=submission_form(photos=photos),
        headers={**staff_headers, "Idempotency-Key": new_key()},
        content_type="multipart/form-data",
    )

    assert response.status_code == 201, response.get_json()
    folded = db.session.scalar(select(Photo).where(Photo.area == "folded"))
    assert folded.captured_at is None
    assert json.dumps(response.get_json())  # the whole answer serialises
