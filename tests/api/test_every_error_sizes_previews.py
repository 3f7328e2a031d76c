"""The phone's server side: every refusal of a checklist at once, the shop's size set, and
the preview of a photo the browser cannot decode (HEIC)."""

from __future__ import annotations

import io
import json

from PIL import Image
from sqlalchemy import func, select

from merch.extensions import db
from merch.models import Submission
from tests import factories
from tests.conftest import api_login, csrf_from
from tests.factories import new_key, passing_answers, submission_form


def post(client, headers, data):
    return client.post(
        "/api/v1/submissions",
        data=data,
        headers={**headers, "Idempotency-Key": new_key(), "Accept-Language": "en"},
        content_type="multipart/form-data",
    )


def test_every_problem_is_listed_and_the_first_is_the_contracts_error(client, staff_headers):
    answers = passing_answers()
    answers["stack_count"] = {"stacks": [{"thickness": "thin", "count": 500}]}
    answers["folded_size_order"] = {"sizes": ["XL", "QQ"]}
    answers["hanging_colour_order"] = {"colours": ["#FFF", "#000000"]}
    answers["mystery"] = {"ok": True}
    photos = {**factories.all_area_photos(), "photo.folded": [factories.unique_jpeg(), b"not a photo"]}

    response = post(client, staff_headers, submission_form(answers, photos=photos))

    body = response.get_json()
    assert response.status_code == 422
    assert body["error"] == {
        "code": "unknown_item",
        "message": "“mystery” is not on this checklist.",
        "field": "answers.mystery",
    }
    assert body["errors"][0] == body["error"]
    assert [(one["code"], one["field"]) for one in body["errors"]] == [
        ("unknown_item", "answers.mystery"),
        ("invalid_answer", "answers.stack_count.stacks[0].count"),
        ("invalid_answer", "answers.folded_size_order.sizes[1]"),
        ("invalid_answer", "answers.hanging_colour_order.colours[0]"),
        ("unsupported_media_type", "photo.folded"),
    ]
    assert "QQ" in body["errors"][2]["message"]
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 0


def test_a_refusal_with_one_problem_lists_it_alone(client, staff_headers):
    answers = passing_answers()
    answers["window_clean"] = {"ok": "yes"}

    body = post(client, staff_headers, submission_form(answers)).get_json()
    bad_shift = post(client, staff_headers, {"payload": json.dumps({"shift": "lunch", "answers": {}})})

    assert body["errors"] == [body["error"]]
    assert body["error"]["field"] == "answers.window_clean.ok"
    assert bad_shift.status_code == 400
    assert bad_shift.get_json()["errors"] == [{**bad_shift.get_json()["error"]}]
    assert bad_shift.get_json()["error"]["field"] == "shift"


def test_errors_is_only_added_to_the_submission_call(client, staff_headers):
    other = client.get("/api/v1/rankings?days=0", headers=staff_headers)
    assert other.status_code == 400
    assert "errors" not in other.get_json()


def test_the_openapi_document_describes_errors_and_the_preview(client):
    document = client.get("/api/v1/openapi.json").get_json()
    post_call = document["paths"]["/api/v1/submissions"]["post"]
    schema = post_call["responses"]["422"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/SubmissionError"}
    listed = document["components"]["schemas"]["SubmissionError"]["properties"]["errors"]["items"]
    assert set(listed["required"]) == {"code", "message", "field"}
    assert "post" in document["paths"]["/api/v1/photos/preview"]


def test_a_shop_with_its_own_sizes_is_scored_by_their_order(client, shop, staff_headers):
    shop.size_set = "XS/S,M/L,XL/XXL"
    db.session.commit()
    answers = passing_answers()
    answers["folded_size_order"] = {"sizes": ["XL/XXL", "M/L", "XS/S"]}  # descending: passes
    answers["hanging_size_order"] = {"sizes": ["M/L", "XS/S"]}  # ascending: fails

    response = post(client, staff_headers, submission_form(answers))

    items = {item["key"]: item for item in response.get_json()["items"]}
    assert response.status_code == 201
    assert items["folded_size_order"]["passed"] is True
    assert items["hanging_size_order"]["passed"] is False
    assert items["hanging_size_order"]["reason"] == "M/L before XS/S: sizes must get larger going back"


def test_the_phone_offers_the_shops_sizes_in_order(client, shop, signed_in_staff):
    shop.size_set = "90,100,110,XS/S,M/L"
    db.session.commit()
    html = client.get("/checklist/opening").get_data(as_text=True)
    strings = html.split('id="checklist-strings">', 1)[1].split("</script>", 1)[0]
    assert json.loads(strings)["sizes"] == ["90", "100", "110", "XS/S", "M/L"]


def heic_bytes(width: int = 4032, height: int = 3024) -> bytes:
    from pillow_heif import register_heif_opener

    from tests.images import encoded, marked_image

    register_heif_opener()
    return encoded(marked_image(width, height), "HEIF", quality=60)


def preview(client, data: bytes | None, token: str | None, name: str = "IMG_0001.HEIC"):
    form = {} if data is None else {"photo": (io.BytesIO(data), name)}
    headers = {"X-CSRFToken": token} if token else {}
    return client.post("/api/v1/photos/preview", data=form, headers=headers, content_type="multipart/form-data")


def test_a_heic_photo_comes_back_as_a_small_upright_jpeg(client, signed_in_staff):
    token = csrf_from(client.get("/checklist/opening").get_data(as_text=True))

    response = preview(client, heic_bytes(), token)

    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert len(response.data) <= 400_000
    image = Image.open(io.BytesIO(response.data))
    assert image.format == "JPEG" and image.size == (1600, 1200)
    assert (response.headers["X-Image-Width"], response.headers["X-Image-Height"]) == ("1600", "1200")
    assert image.getpixel((10, 10))[0] > 200  # the red corner is still top-left
    assert not image.getexif()
    assert "no-store" in response.headers["Cache-Control"]


def test_the_preview_has_the_checks_of_an_upload(app, client, shop, signed_in_staff):
    token = csrf_from(client.get("/checklist/opening").get_data(as_text=True))
    app.config["MAX_PHOTO_BYTES"] = 50_000

    no_csrf = preview(client, factories.jpeg_bytes(), None)
    not_a_photo = preview(client, b"GIF89a" + b"\0" * 100, token)
    too_big = preview(client, b"\xff\xd8\xff" + b"\0" * 60_000, token)
    nothing = preview(client, None, token)

    assert (no_csrf.status_code, no_csrf.get_json()["error"]["code"]) == (400, "csrf_failed")
    assert (not_a_photo.status_code, not_a_photo.get_json()["error"]["code"]) == (415, "unsupported_media_type")
    assert (too_big.status_code, too_big.get_json()["error"]["code"]) == (413, "payload_too_large")
    assert (nothing.status_code, nothing.get_json()["error"]["field"]) == (400, "photo")


def test_only_those_who_submit_checklists_get_previews(client, shop):
    factories.make_user("admin", username="boss")
    db.session.commit()
    anonymous = client.post("/api/v1/photos/preview", data={}, content_type="multipart/form-data")
    admin = client.post(
        "/api/v1/photos/preview",
        data={"photo": (io.BytesIO(factories.jpeg_bytes()), "a.jpg")},
        headers=api_login(client, "boss"),
        content_type="multipart/form-data",
    )
    assert anonymous.status_code == 401
    assert admin.status_code == 403


def test_previews_beyond_the_decode_budget_are_told_to_wait(app, client, signed_in_staff):
    from merch.api import previews

    token = csrf_from(client.get("/checklist/opening").get_data(as_text=True))
    app.config["PREVIEW_DECODES_AT_ONCE"] = 1
    budget = previews._budget(1)
    assert budget.acquire(blocking=False)  # another request is decoding
    try:
        busy = preview(client, factories.jpeg_bytes(), token, "a.jpg")
    finally:
        budget.release()
    after = preview(client, factories.jpeg_bytes(), token, "a.jpg")

    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "2"
    assert after.status_code == 200


def test_the_checklist_call_names_the_shops_sizes(client, shop, staff_headers):
    shop.size_set = "S,M,L"
    db.session.commit()
    body = client.get("/api/v1/checklist?shift=opening", headers=staff_headers).get_json()
    assert body["sizes"] == ["S", "M", "L"]
