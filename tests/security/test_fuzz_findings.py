"""The three 500s found by fuzzing (issue 13, item 6), each now a clear answer.

The NUL byte one only ever failed on PostgreSQL: CI runs tests/security there too
(MERCH_TEST_DATABASE_URL).
"""

from __future__ import annotations

import io
import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

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


# Found by schemathesis in CI (.ci/fuzz_api.py): a board for a date before the shop's zone
# took standard time answered due_at "0240-10-21T11:00:00+08:05:43", Shanghai's local mean
# time, whose offset has seconds and is no RFC 3339 date-time, so no client could read it.
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")


@pytest.mark.parametrize("day", ["0240-10-21", "1900-12-31", "0001-01-01"])
def test_a_board_before_standard_time_answers_rfc3339_times(client, shop, staff, day):
    from jsonschema import Draft202012Validator, FormatChecker

    from tests.conftest import api_login
    from tests.supervision import make_cast

    make_cast(shop, staff)
    response = client.get(f"/api/v1/board?date={day}", headers=api_login(client, "super1"))

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    document = client.get("/api/v1/openapi.json").get_json()
    validator = Draft202012Validator({**document, "$ref": "#/components/schemas/Board"}, format_checker=FormatChecker())
    assert list(validator.iter_errors(body)) == []
    row = next(row for row in body["stores"] if row["store"] == shop.code)
    for shift in ("opening", "closing"):
        assert RFC3339.match(row[shift]["due_at"]), row[shift]["due_at"]
    # the same instant as the shop's local opening, written in UTC (10:00 + 1 hour, LMT +08:05:43)
    opening_due = datetime.fromisoformat(row["opening"]["due_at"])
    local_due = opening_due.astimezone(ZoneInfo(shop.timezone))
    assert (local_due.hour, local_due.minute) == (11, 0)


def test_a_board_in_standard_time_keeps_the_shops_offset(client, shop, staff):
    from tests.conftest import api_login
    from tests.supervision import make_cast

    make_cast(shop, staff)
    body = client.get("/api/v1/board?date=2026-11-24", headers=api_login(client, "super1")).get_json()

    row = next(row for row in body["stores"] if row["store"] == shop.code)
    assert row["opening"]["due_at"] == "2026-11-24T11:00:00+08:00"


# Found by schemathesis on PostgreSQL (.ci/fuzz_api.py): POST /api/v1/actions/247350332777/verify
# answered 500, "integer out of range": ids are 32-bit INTEGER columns there, and the URL
# accepted any 63-bit number. Ids past the column's range are now not found, everywhere.
TOO_BIG = [2**31, 247350332777, 2**64]


@pytest.mark.parametrize("number", TOO_BIG)
def test_an_id_past_the_databases_integers_is_not_found_in_the_api(client, shop, staff, number):
    from tests.conftest import api_login
    from tests.supervision import make_cast

    make_cast(shop, staff)
    staff_headers = api_login(client, "staff1")
    supervisor = api_login(client, "super1")
    calls = [
        client.get(f"/api/v1/submissions/{number}", headers=staff_headers),
        client.get(f"/api/v1/photos/{number}", headers=staff_headers),
        client.post(f"/api/v1/actions/{number}/close", headers=staff_headers, data={"payload": "{}"}),
        client.post(f"/api/v1/actions/{number}/verify", headers=supervisor, json={"action": "reopened"}),
        client.post(f"/api/v1/submissions/{number}/review", headers=supervisor, json={"action": "reviewed"}),
    ]

    for response in calls:
        assert response.status_code == 404, (response.request.path, response.get_data(as_text=True)[:300])
        assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("number", TOO_BIG)
def test_an_id_past_the_databases_integers_is_not_found_on_the_pages(client, shop, staff, number):
    from tests.conftest import page_login
    from tests.supervision import make_cast

    make_cast(shop, staff)
    pages = {"staff1": [f"/submissions/{number}", f"/actions/{number}"]}
    pages["super1"] = [f"/supervise/submissions/{number}", f"/supervise/actions/{number}"]
    pages["admin"] = [f"/admin/users/{number}"]
    for username, paths in pages.items():
        signed_in = client.application.test_client()
        page_login(signed_in, username)
        for path in paths:
            assert signed_in.get(path).status_code == 404, (username, path)


@pytest.mark.parametrize("number", [2**31, 10**18, 10**19 - 1])
@pytest.mark.parametrize("kind", ["i", "o"])
def test_a_cursor_past_the_databases_integers_is_a_bad_cursor(client, shop, staff, number, kind):
    import base64

    from tests.conftest import api_login
    from tests.supervision import make_cast

    make_cast(shop, staff)
    cursor = base64.urlsafe_b64encode(f"{kind}:{number}".encode()).decode().rstrip("=")
    response = client.get(f"/api/v1/submissions?cursor={cursor}", headers=api_login(client, "super1"))

    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["field"] == "cursor"


# Found by schemathesis on PostgreSQL (.ci/fuzz_api.py): GET /api/v1/board?area=<text with a NUL>
# as an admin answered 500, PostgreSQL refusing the NUL in the area lookup. A NUL in any query
# parameter of the API is now a 400 naming the parameter, before any query runs.
@pytest.mark.parametrize(
    ("username", "path", "field"),
    [
        ("admin", "/api/v1/board?area=HN%00ZZ", "area"),
        ("admin", "/api/v1/rankings?days=7&area=%F0%9C%80%9A%00X", "area"),
        ("admin", "/api/v1/export?days=7&area=HN%00ZZ", "area"),
        ("super1", "/api/v1/submissions?store=ZZ%00001", "store"),
        ("staff1", "/api/v1/checklist?shift=open%00ing", "shift"),
    ],
)
def test_a_nul_byte_in_a_query_parameter_is_a_bad_request_on_every_database(client, shop, staff, username, path, field):
    from tests.conftest import api_login
    from tests.supervision import make_cast

    make_cast(shop, staff)
    response = client.get(path, headers=api_login(client, username))

    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"] == {
        "code": "bad_request",
        "message": response.get_json()["error"]["message"],
        "field": field,
    }
