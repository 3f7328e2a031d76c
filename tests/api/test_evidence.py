"""The ``evidence`` object on photos (api.md "Evidence"): reuse by content across shops,
an unchanged window, stale capture times; and who may see which photo."""

from __future__ import annotations

import io
import json
from functools import cache

from PIL import Image

from merch.extensions import db
from merch.models import Role
from tests import factories
from tests.api.test_submissions import post_submission
from tests.conftest import api_login
from tests.evidence_images import COPIES, FIRST_SHOT, Camera, jpeg, scene, shoot
from tests.factories import submission_form, unique_jpeg


@cache
def _shot(seed: int, camera: Camera = FIRST_SHOT, palette: int | None = None) -> Image.Image:
    # 640×480 keeps each request under the test client's in-memory multipart limit.
    return shoot(scene(seed, palette_seed=palette), camera).resize((640, 480), Image.Resampling.BOX)


def _photos(**areas: bytes) -> dict[str, bytes]:
    photos = {f"photo.{area}": unique_jpeg() for area in ("folded", "hanging", "window")}
    photos.update({f"photo.{area}": data for area, data in areas.items()})
    return photos


def _with_capture_time(image: Image.Image, moment: str, offset: str = "+08:00") -> bytes:
    exif = Image.Exif()
    details = exif.get_ifd(0x8769)
    details[0x9003] = moment
    details[0x9011] = offset
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif.tobytes())
    return buffer.getvalue()


def _evidence(body: dict, area: str) -> dict:
    return body["photos"][area][0]["evidence"]


def _other_shop_staff():
    other = factories.make_shop(code="LY001", area=factories.make_area("HN-LY"))
    user = factories.make_user(Role.STAFF, shop=other, username="staff2")
    db.session.commit()
    return user


def test_a_recompressed_copy_of_another_shops_photo_is_reused_without_its_id(client, staff_headers, clock):
    clock.set_local(2026, 11, 23, 10, 30)
    first = post_submission(client, staff_headers, submission_form(photos=_photos(folded=jpeg(_shot(11), 92))))
    assert first.status_code == 201, first.get_json()
    original = first.get_json()["photos"]["folded"][0]
    assert original["evidence"]["reused"] is None
    clock.set_local(2026, 11, 24, 10, 30)
    other_headers = api_login(client, _other_shop_staff().username)

    copy = COPIES["recompressed_q60"](_shot(11))
    response = post_submission(client, other_headers, submission_form(photos=_photos(folded=copy)))

    assert response.status_code == 201, response.get_json()
    assert _evidence(response.get_json(), "folded")["reused"] == {
        "photo_id": None,
        "store": None,
        "business_date": "2026-11-23",
        "exact": False,
    }
    # The other shop's photo id appears nowhere in what its staff get back.
    for text in (
        response.get_data(as_text=True),
        client.get(response.headers["Location"], headers=other_headers).get_data(as_text=True),
    ):
        body = json.loads(text)
        photos = [photo for area in body["photos"].values() for photo in area]
        own = {photo["id"] for photo in photos}
        # Flat test pictures may come out byte-identical: only this shop's own may be named.
        assert all(photo["duplicate_of"] in own | {None} for photo in photos)
        assert f'"photo_id": {original["id"]}' not in text and f'"photo_id":{original["id"]}' not in text
        assert "ZZ001" not in text


def test_a_supervisor_and_an_admin_see_which_photo_was_reused(client, staff_headers, clock):
    clock.set_local(2026, 11, 23, 10, 30)
    first = post_submission(client, staff_headers, submission_form(photos=_photos(window=jpeg(_shot(12), 92))))
    original_id = first.get_json()["photos"]["window"][0]["id"]
    clock.set_local(2026, 11, 24, 10, 30)
    other = _other_shop_staff()
    admin = factories.make_user(Role.ADMIN, username="boss")
    supervisor = factories.make_user(Role.SUPERVISOR, area=other.shop.area, username="super2")
    db.session.commit()
    screenshot = COPIES["screenshot_light_jpeg"](_shot(12))  # a JPEG: small enough for the test client
    response = post_submission(
        client, api_login(client, other.username), submission_form(photos=_photos(window=screenshot))
    )
    location = response.headers["Location"]

    for username in (admin.username, supervisor.username):
        body = client.get(location, headers=api_login(client, username)).get_json()
        reused = _evidence(body, "window")["reused"]
        if username == admin.username:
            assert reused == {"photo_id": original_id, "store": "ZZ001", "business_date": "2026-11-23", "exact": False}
        else:  # the supervisor of LY001's area may not see ZZ001's photo
            assert reused == {"photo_id": None, "store": None, "business_date": "2026-11-23", "exact": False}


def test_the_same_file_sent_by_another_shop_is_an_exact_reuse_with_no_id(client, staff_headers):
    data = jpeg(_shot(11), 85)
    post_submission(client, staff_headers, submission_form(photos=_photos(folded=data)))
    other_headers = api_login(client, _other_shop_staff().username)

    body = post_submission(client, other_headers, submission_form(photos=_photos(folded=data))).get_json()

    photo = body["photos"]["folded"][0]
    assert photo["duplicate_of"] is None
    assert photo["evidence"]["reused"] == {
        "photo_id": None,
        "store": None,
        "business_date": "2026-11-24",
        "exact": True,
    }


def test_a_second_shot_of_the_same_display_is_not_reused(client, staff_headers, clock):
    clock.set_local(2026, 11, 23, 10, 30)
    post_submission(client, staff_headers, submission_form(photos=_photos(folded=jpeg(_shot(11), 92))))
    clock.set_local(2026, 11, 24, 10, 30)

    again = jpeg(_shot(11, Camera(seed=301, jitter=0.015, gain=0.95)), 92)
    body = post_submission(client, staff_headers, submission_form(photos=_photos(folded=again))).get_json()

    assert _evidence(body, "folded")["reused"] is None


def test_a_window_said_to_be_redressed_that_looks_the_same_is_flagged(client, staff_headers, clock):
    clock.set_local(2026, 11, 22, 10, 30)
    first = post_submission(client, staff_headers, submission_form(photos=_photos(window=jpeg(_shot(13), 92))))
    last_change = first.get_json()["photos"]["window"][0]["id"]
    clock.set_local(2026, 11, 24, 10, 30)

    same_dressing = jpeg(_shot(13, Camera(seed=302, jitter=0.03, gain=0.85)), 90)
    body = post_submission(client, staff_headers, submission_form(photos=_photos(window=same_dressing))).get_json()

    unchanged = _evidence(body, "window")["window_unchanged"]
    assert unchanged["photo_id"] == last_change
    assert unchanged["business_date"] == "2026-11-22"
    assert 0.8 <= unchanged["similarity"] <= 1
    assert _evidence(body, "window")["reused"] is None  # a new shot, not a copy
    assert _evidence(body, "folded")["window_unchanged"] is None


def test_a_really_redressed_window_is_not_flagged(client, staff_headers, clock):
    clock.set_local(2026, 11, 22, 10, 30)
    post_submission(client, staff_headers, submission_form(photos=_photos(window=jpeg(_shot(13), 92))))
    clock.set_local(2026, 11, 24, 10, 30)

    redressed = jpeg(_shot(13, Camera(seed=303, jitter=0.02), palette=4), 90)
    body = post_submission(client, staff_headers, submission_form(photos=_photos(window=redressed))).get_json()

    assert _evidence(body, "window")["window_unchanged"] is None


def test_an_unchanged_answer_is_not_compared(client, staff_headers, clock):
    clock.set_local(2026, 11, 23, 10, 30)
    post_submission(client, staff_headers, submission_form(photos=_photos(window=jpeg(_shot(13), 92))))
    clock.set_local(2026, 11, 24, 10, 30)
    answers = factories.passing_answers()
    answers["window_refresh"] = {"changed_today": False}

    again = jpeg(_shot(13, Camera(seed=304, jitter=0.02)), 90)
    body = post_submission(client, staff_headers, submission_form(answers, photos=_photos(window=again))).get_json()

    assert _evidence(body, "window")["window_unchanged"] is None


def test_capture_times_far_from_completion_are_stale_and_missing_ones_only_noted(client, staff_headers):
    picture = _shot(11)
    photos = {
        "photo.folded": [
            _with_capture_time(picture, "2026:11:24 10:20:00"),  # ten minutes before: fine
            unique_jpeg(),  # no capture time at all
        ],
        "photo.hanging": _with_capture_time(picture.rotate(180), "2026:11:24 07:10:00"),  # hours before
        "photo.window": _with_capture_time(_shot(12), "2026:11:24 10:50:00"),  # after completion
    }
    body = post_submission(client, staff_headers, submission_form(photos=photos)).get_json()

    timed, untimed = body["photos"]["folded"]
    assert timed["evidence"]["stale"] is False
    assert timed["evidence"]["taken_at"] == "2026-11-24T10:20:00+08:00"
    assert untimed["evidence"]["taken_at"] is None
    assert untimed["evidence"]["stale"] is None
    assert untimed["evidence"]["taken_before_window"] is None
    assert _evidence(body, "hanging")["stale"] is True
    assert _evidence(body, "window")["stale"] is True


def test_a_copy_of_a_copy_names_the_first_photo_though_it_is_closest_to_the_copy(client, staff_headers, clock):
    # find_reused names the closest match, and a matched photo that was itself a reuse
    # stands for the photo it copied: the first stored is the one reused.
    clock.set_local(2026, 11, 23, 10, 30)
    first = post_submission(client, staff_headers, submission_form(photos=_photos(folded=jpeg(_shot(12), 92))))
    original_id = first.get_json()["photos"]["folded"][0]["id"]
    clock.set_local(2026, 11, 24, 10, 30)
    copy = COPIES["cropped_mixed_recompressed"](_shot(12))
    second = post_submission(client, staff_headers, submission_form(photos=_photos(folded=copy)))
    assert _evidence(second.get_json(), "folded")["reused"]["photo_id"] == original_id
    clock.set_local(2026, 11, 25, 10, 30)

    again = jpeg(Image.open(io.BytesIO(copy)).convert("RGB"), 95)  # the copy re-saved: closest to the copy
    third = post_submission(client, staff_headers, submission_form(photos=_photos(folded=again)))

    assert third.status_code == 201, third.get_json()
    assert _evidence(third.get_json(), "folded")["reused"]["photo_id"] == original_id
