"""Hostile files and hostile JSON, through the API and the phone form (issue 13, item 8).

Each refusal is a clear 4xx in the user's language, and the database and the upload
folder are exactly as they were before the request.
"""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from merch.extensions import db
from merch.models import IdempotencyRecord, ItemResult, Photo, Submission
from tests.conftest import csrf_from
from tests.factories import new_key, passing_answers, submission_form, unique_jpeg
from tests.security.test_slow_uplink import multipart


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real small JPEG whose frame header (SOF0) is rewritten to claim another size."""
    data = bytearray(unique_jpeg())
    at = data.index(b"\xff\xc0")
    data[at + 5 : at + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def truncated_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((400, 300), 60).convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()[: len(buffer.getvalue()) // 2]


def png_with_huge_iccp() -> bytes:
    # 40 MB of profile behind 40 KB of zlib: a bomb in the colour profile.
    profile = zlib.compress(b"\0" * 40_000_000, 9)
    header = struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"".join(b"\0" + b"\x80" * 48 for _ in range(16)))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"iCCP", b"icc\0\0" + profile)
        + _png_chunk(b"IDAT", rows)
        + _png_chunk(b"IEND", b"")
    )


def jpeg_with_huge_exif() -> bytes:
    """A JPEG carrying 300 APP1 segments of 64 KB each (19 MB of metadata)."""
    data = unique_jpeg()
    segment = b"\xff\xe1" + struct.pack(">H", 65535) + b"Exif\0\0" + b"\0" * (65535 - 8)
    return data[:2] + segment * 300 + data[2:]


HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9"/></svg>'
GIF_JS = b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=alert(document.domain);//;"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"

HOSTILE_FILES = {
    "truncated-jpeg": (truncated_jpeg, {415, 422}),
    "png-bomb-header": (lambda: png_claiming(100_000, 100_000), {422}),
    "jpeg-bomb-header": (lambda: jpeg_claiming(65_000, 65_000), {422}),
    "html-named-jpg": (lambda: HTML, {415}),
    "svg-named-jpg": (lambda: SVG, {415}),
    "gif-js-polyglot": (lambda: GIF_JS, {415}),
    "pdf-named-jpg": (lambda: PDF, {415}),
    "huge-iccp": (png_with_huge_iccp, {413, 415, 422}),
}


def snapshot(app) -> tuple:
    db.session.rollback()
    counts = tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Submission, ItemResult, Photo, IdempotencyRecord)
    )
    folder = Path(app.config["UPLOAD_FOLDER"])
    files = sorted(str(path.relative_to(folder)) for path in folder.rglob("*")) if folder.exists() else []
    return counts, files


def post_api(client, headers, photos, language="en", **form_extra):
    form = submission_form(photos={"photo.hanging": unique_jpeg(), "photo.window": unique_jpeg(), **photos})
    form.update(form_extra)
    return client.post(
        "/api/v1/submissions",
        data=form,
        headers={**headers, "Idempotency-Key": new_key(), "Accept-Language": language},
        content_type="multipart/form-data",
    )


def post_phone(client, photos, language="en"):
    html = client.get("/checklist/opening").get_data(as_text=True)
    import re

    key = re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', html).group(1)
    data = {
        "csrf_token": csrf_from(html),
        "idempotency_key": key,
        "window_clean": "yes",
        "photo.hanging": (io.BytesIO(unique_jpeg()), "hanging.jpg"),
    }
    for name, (content, filename) in photos.items():
        data[name] = (io.BytesIO(content), filename)
    return client.post(
        "/checklist/opening",
        data=data,
        content_type="multipart/form-data",
        headers={"Accept": "application/json", "Accept-Language": language},
    )


@pytest.mark.parametrize("case", sorted(HOSTILE_FILES))
def test_a_hostile_photo_is_refused_through_the_api_and_nothing_is_kept(app, client, staff_headers, case):
    make, statuses = HOSTILE_FILES[case]
    before = snapshot(app)

    response = post_api(client, staff_headers, {"photo.folded": make()})

    assert response.status_code in statuses, response.get_json()
    error = response.get_json()["error"]
    assert error["field"] == "photo.folded"
    assert error["message"] and error["message"].isascii()  # English, as asked
    assert snapshot(app) == before


@pytest.mark.parametrize("case", sorted(HOSTILE_FILES))
def test_a_hostile_photo_is_refused_through_the_phone_form_and_nothing_is_kept(app, client, signed_in_staff, case):
    make, statuses = HOSTILE_FILES[case]
    before = snapshot(app)

    response = post_phone(client, {"photo.folded": (make(), "folded.jpg")}, language="zh-Hant")

    assert response.status_code in statuses
    message = response.get_json()["errors"]["photo.folded"]
    assert message and not message.isascii()  # 繁體中文
    assert snapshot(app) == before


def test_refusal_messages_follow_the_users_language(client, staff_headers):
    english = post_api(client, staff_headers, {"photo.folded": HTML}, language="en").get_json()["error"]["message"]
    chinese = post_api(client, staff_headers, {"photo.folded": HTML}, language="zh-Hant").get_json()
    simplified = post_api(client, staff_headers, {"photo.folded": HTML}, language="zh-CN").get_json()

    assert "JPEG" in english
    assert chinese["error"]["message"] != english and simplified["error"]["message"] != english
    assert chinese["error"]["message"] != simplified["error"]["message"]


def test_a_huge_exif_block_is_refused_or_stripped_never_kept(app, client, staff_headers):
    before = snapshot(app)
    # Encoded here: the test client's own encoder leaves a temporary file open past 500 KB.
    body, content_type = multipart(
        {"shift": "opening", "answers": passing_answers()},
        {"photo.folded": jpeg_with_huge_exif(), "photo.hanging": unique_jpeg(), "photo.window": unique_jpeg()},
    )

    response = client.post(
        "/api/v1/submissions",
        data=body,
        headers={**staff_headers, "Idempotency-Key": new_key(), "Content-Type": content_type},
    )

    assert response.status_code in (201, 413, 415, 422)
    if response.status_code == 201:
        folder = Path(app.config["UPLOAD_FOLDER"])
        assert all(path.stat().st_size < 1_000_000 for path in folder.rglob("*.jpg"))
    else:
        assert snapshot(app) == before


def test_a_jpeg_carrying_html_is_stored_only_as_a_clean_copy(app, client, staff_headers):
    polyglot = unique_jpeg() + HTML

    response = post_api(client, staff_headers, {"photo.folded": polyglot})

    assert response.status_code == 201
    folder = Path(app.config["UPLOAD_FOLDER"])
    stored = [path.read_bytes() for path in folder.rglob("*.jpg")]
    assert stored and not any(b"<script" in data for data in stored)


def test_a_zero_byte_file_is_no_photo_as_the_contract_says(app, client, staff_headers):
    # api.md: "empty file fields are ignored"; the missing photo then scores 0.
    response = post_api(client, staff_headers, {"photo.folded": b""})

    assert response.status_code == 201
    assert db.session.scalar(select(func.count()).select_from(Photo).where(Photo.area == "folded")) == 0


def test_fifty_files_in_one_request_are_too_many(app, client, staff_headers):
    before = snapshot(app)

    response = post_api(client, staff_headers, {"photo.folded": [unique_jpeg() for _ in range(48)]})

    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"
    assert "40" in response.get_json()["error"]["message"]
    assert snapshot(app) == before


def test_fifty_files_through_the_phone_form_are_too_many(app, client, signed_in_staff):
    before = snapshot(app)
    html = client.get("/checklist/opening").get_data(as_text=True)
    import re

    key = re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', html).group(1)
    data = {
        "csrf_token": csrf_from(html),
        "idempotency_key": key,
        "photo.folded": [(io.BytesIO(unique_jpeg()), f"{n}.jpg") for n in range(50)],
    }

    response = client.post(
        "/checklist/opening", data=data, content_type="multipart/form-data", headers={"Accept": "application/json"}
    )

    assert response.status_code == 413
    assert snapshot(app) == before


def test_a_body_over_the_limit_is_refused_unread(app, client, staff_headers, signed_in_staff):
    app.config["MAX_CONTENT_LENGTH"] = 200_000  # 60 MB in production
    before = snapshot(app)
    big = {"photo.folded": b"\xff\xd8" + b"\0" * 300_000}

    api = post_api(client, staff_headers, big)
    phone = post_phone(client, {"photo.folded": (big["photo.folded"], "big.jpg")})

    assert api.status_code == 413 and api.get_json()["error"]["code"] == "payload_too_large"
    assert phone.status_code == 413
    assert snapshot(app) == before


@pytest.mark.parametrize(
    "filename", ["../../../etc/passwd.jpg", "..\\..\\win.ini.jpg", "a\x00b.jpg", "/abs/path.jpg", "%2e%2e%2fx.jpg"]
)
def test_file_names_never_become_paths(app, client, staff_headers, filename):
    form = submission_form()
    form["photo.folded"] = [(io.BytesIO(unique_jpeg()), filename)]

    response = client.post(
        "/api/v1/submissions",
        data=form,
        headers={**staff_headers, "Idempotency-Key": new_key()},
        content_type="multipart/form-data",
    )

    assert response.status_code == 201
    folder = Path(app.config["UPLOAD_FOLDER"]).resolve()
    for photo in db.session.scalars(select(Photo)):
        for relative in (photo.display_path, photo.thumb_path):
            assert (folder / relative).resolve().is_relative_to(folder)
            assert "passwd" not in relative and ".." not in relative and "\x00" not in relative


@pytest.mark.parametrize("field", ["photo.../../x", "photo./etc/passwd", "photo.fol\x00ded"])
def test_field_names_with_paths_are_refused(app, client, staff_headers, field):
    before = snapshot(app)
    form = submission_form()
    form[field] = [(io.BytesIO(unique_jpeg()), "x.jpg")]

    response = client.post(
        "/api/v1/submissions",
        data=form,
        headers={**staff_headers, "Idempotency-Key": new_key()},
        content_type="multipart/form-data",
    )

    assert response.status_code in (400, 422)
    assert snapshot(app) == before


# Bad JSON in the payload: (payload text, status, field named)
BAD_JSON = {
    "answers-a-list": ('{"shift": "opening", "answers": []}', 400, "answers"),
    "shift-a-number": ('{"shift": 1, "answers": {}}', 400, "shift"),
    "count-a-string": (
        '{"shift": "opening", "answers": {"hang_count": {"counts": ["3"]}}}',
        422,
        "answers.hang_count.counts[0]",
    ),
    "count-huge": (
        '{"shift": "opening", "answers": {"hang_count": {"counts": [1' + "0" * 400 + "]}}}",
        422,
        "answers.hang_count.counts[0]",
    ),
    "count-1e308": ('{"shift": "opening", "answers": {"hang_count": {"counts": [1e308]}}}', 422, "answers.hang_count"),
    "count-nan": ('{"shift": "opening", "answers": {"hang_count": {"counts": [NaN]}}}', 422, "answers.hang_count"),
    "count-infinity": (
        '{"shift": "opening", "answers": {"hang_count": {"counts": [-Infinity]}}}',
        422,
        "answers.hang_count",
    ),
    "ok-nan": ('{"shift": "opening", "answers": {"window_clean": {"ok": NaN}}}', 422, "answers.window_clean"),
    "deep-nesting": ('{"shift": "opening", "answers": ' + "[" * 100_000 + "]" * 100_000 + "}", 400, "payload"),
    "deep-answer": (
        '{"shift": "opening", "answers": {"window_clean": ' + '{"ok":' * 5000 + "true" + "}" * 5000 + "}}",
        400,
        "payload",
    ),
    "megabyte-string": (
        json.dumps({"shift": "opening", "answers": {"folded_size_order": {"sizes": ["M" * 1_000_000]}}}),
        422,
        "answers.folded_size_order",
    ),
    "megabyte-key": (json.dumps({"shift": "opening", "answers": {"k" * 1_000_000: {}}}), 422, "answers."),
    "nul-in-size": (
        json.dumps({"shift": "opening", "answers": {"folded_size_order": {"sizes": ["M\u0000", "S"]}}}),
        422,
        "answers.folded_size_order",
    ),
    "unknown-answer-key": (
        json.dumps({"shift": "opening", "answers": {"no_such_rule": {}}}),
        422,
        "answers.no_such_rule",
    ),
    "duplicate-shift": ('{"shift": "opening", "shift": "lunch", "answers": {}}', 400, "shift"),
    "date-a-number": ('{"shift": "opening", "answers": {}, "business_date": 20261124}', 422, "business_date"),
    "completed-huge-year": (
        '{"shift": "opening", "answers": {}, "completed_at": "99999-01-01T00:00:00+08:00"}',
        422,
        "completed_at",
    ),
    "completed-year-1": (
        '{"shift": "opening", "answers": {}, "completed_at": "0001-01-01T00:00:00+14:00"}',
        422,
        "completed_at",
    ),
    "completed-year-9999": (
        '{"shift": "opening", "answers": {}, "completed_at": "9999-12-31T23:59:59-12:00"}',
        422,
        "completed_at",
    ),
    "surrogate-in-answer": (
        '{"shift": "opening", "answers": {"folded_size_order": {"sizes": ["\\ud800"]}}}',
        422,
        "answers.folded_size_order",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_JSON))
def test_bad_json_is_400_or_422_naming_the_field_and_stores_nothing(app, client, staff_headers, case):
    payload, status, field = BAD_JSON[case]
    before = snapshot(app)

    # Encoded here: the test client's own encoder leaves a temporary file open past 500 KB.
    boundary = "hostile-json-boundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="payload"\r\n\r\n{payload}\r\n--{boundary}--\r\n'
    ).encode("utf-8", "surrogatepass")
    response = client.post(
        "/api/v1/submissions",
        data=body,
        headers={
            **staff_headers,
            "Idempotency-Key": new_key(),
            "Accept-Language": "en",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )

    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["field"].startswith(field)
    assert error["message"]
    assert snapshot(app) == before


def test_unknown_fields_inside_an_answer_are_dropped_never_stored(client, staff_headers):
    # Answers keep only the keys their kind knows (merch.scoring.answers), so a NaN or a
    # NUL byte in an unknown field never reaches the database (PostgreSQL's JSON would refuse it).
    answers = passing_answers()
    answers["window_clean"] = {"ok": True, "x\u0000": float("nan"), "deep": [[[[1]]]]}

    response = client.post(
        "/api/v1/submissions",
        data={**submission_form(), "payload": json.dumps({"shift": "opening", "answers": answers})},
        headers={**staff_headers, "Idempotency-Key": new_key()},
        content_type="multipart/form-data",
    )

    assert response.status_code == 201
    stored = db.session.scalar(select(ItemResult.answer).where(ItemResult.key == "window_clean"))
    assert stored == {"ok": True}


def test_unknown_top_level_fields_are_ignored(client, staff_headers):
    payload = {"shift": "opening", "answers": passing_answers(), "colour_of_the_sky": [1, 2, {"x": None}]}

    response = client.post(
        "/api/v1/submissions",
        data={**submission_form(), "payload": json.dumps(payload)},
        headers={**staff_headers, "Idempotency-Key": new_key()},
        content_type="multipart/form-data",
    )

    assert response.status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        '{"username": ["staff1"], "password": "x"}',
        '{"username": "staff1", "password": 12345678}',
        '{"username": "staff1", "password": NaN}',
        '{"username": null, "password": null}',
        "[" * 100_000,
        '{"username": "staff1", "username": "staff1", "password": "' + "p" * 1_000_000 + '"}',
        '{"username": "' + "u" * 1_000_000 + '", "password": "x"}',
    ],
    ids=["list", "number", "nan", "nulls", "deep", "megabyte-password", "megabyte-username"],
)
def test_bad_login_json_is_answered_not_crashed_on(client, staff, body):
    response = client.post("/api/v1/login", data=body, content_type="application/json")

    assert response.status_code in (400, 401)
    assert response.get_json()["error"]["code"] in ("bad_request", "invalid_credentials")
