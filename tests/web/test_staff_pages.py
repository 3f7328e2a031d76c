"""The shop assistant's pages, used as a phone browser would (without JavaScript)."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from merch.extensions import db
from merch.models import Submission
from tests import factories
from tests.conftest import csrf_from, page_login


def checklist_form_data(html: str, **overrides):
    """A passing opening checklist as the page's fields carry it."""
    key = re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', html).group(1)
    data = {
        "csrf_token": csrf_from(html),
        "idempotency_key": key,
        "stack_count.thickness": ["thin", "thick", "thin"],
        "stack_count.count": ["5", "3", ""],
        "folded_size_order.sizes": "XL, L, M, S",
        "folded_colour_order.colour": ["#F5F0E6", "#C8A27A", "#3B2F2F"],
        "folded_grouping": "yes",
        "folded_mannequin": "yes",
        "hang_count.count": ["3", "2", "4"],
        "hanging_size_order.sizes": "S M L",
        "hanging_colour_order.colour": ["#FFFFFF", "#888888", ""],
        "same_hanger": "yes",
        "hanging_tidy": "yes",
        "window_refresh": "yes",
        "window_clean": "yes",
        "window_promo": "yes",
        "window_seasonal": "yes",
        "focal_point": "yes",
        "featured_style": "yes",
        "photo.folded": (io.BytesIO(factories.unique_jpeg()), "folded.jpg"),
        "photo.hanging": (io.BytesIO(factories.unique_jpeg()), "hanging.jpg"),
        "photo.window": (io.BytesIO(factories.unique_jpeg()), "window.jpg"),
    }
    data.update(overrides)
    return data


def test_sign_in_page_is_in_traditional_chinese_by_default(client):
    html = client.get("/login").get_data(as_text=True)

    assert '<html lang="zh-Hant">' in html
    assert "登入" in html


def test_wrong_password_shows_a_message_and_keeps_the_username(client, staff):
    token = csrf_from(client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True))

    response = client.post(
        "/login",
        data={"username": "staff1", "password": "wrong-one", "csrf_token": token},
        headers={"Accept-Language": "en"},
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Wrong username or password." in html
    assert 'value="staff1"' in html


def test_sign_in_ignores_a_next_link_to_another_site(client, staff):
    token = csrf_from(client.get("/login").get_data(as_text=True))

    response = client.post(
        "/login",
        data={
            "username": "staff1",
            "password": factories.PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/",
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_home_shows_todays_two_checklists_in_the_users_language(client, signed_in_staff):
    html = client.get("/").get_data(as_text=True)

    assert "郑州二七店" in html
    assert "开店" in html and "闭店" in html  # the shop's language: Simplified
    assert "/checklist/opening" in html
    assert "/checklist/closing" not in html  # closing opens at 21:00


def test_checklist_page_has_a_card_per_rule_and_camera_inputs(client, signed_in_staff):
    html = client.get("/checklist/opening").get_data(as_text=True)

    assert html.count('class="card rule') == 16
    assert html.count('capture="environment"') == 4
    assert 'accept="image/*,.heic,.heif"' in html
    assert 'data-kind="stack_count"' in html and 'data-add="thin"' in html
    assert 'id="checklist-strings"' in html  # the page's script strings, in the page's language


def test_staff_submits_a_full_opening_checklist_and_sees_100(client, signed_in_staff):
    html = client.get("/checklist/opening").get_data(as_text=True)

    response = client.post("/checklist/opening", data=checklist_form_data(html), content_type="multipart/form-data")

    assert response.status_code == 303
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "100.0" in result
    assert result.count("/api/v1/photos/") >= 6  # three thumbnails, each linking to its display copy


def test_failed_item_shows_its_reason_on_the_result_page(client, signed_in_staff):
    html = client.get("/checklist/opening").get_data(as_text=True)
    data = checklist_form_data(html, **{"stack_count.count": ["7", "3", ""]})

    response = client.post("/checklist/opening", data=data, content_type="multipart/form-data")
    client.post("/language", data={"language": "en", "csrf_token": csrf_from(html), "next": "/"})
    result = client.get(response.headers["Location"]).get_data(as_text=True)

    assert "stack 1: 7 thin pieces, 4–6 allowed" in result


def test_invalid_answer_posted_without_javascript_shows_the_reason_on_its_card(client, signed_in_staff):
    html = client.get("/checklist/opening").get_data(as_text=True)
    data = checklist_form_data(html, **{"folded_size_order.sizes": "XL, XLL, M", "hang_count.count": ["3", "9", "4"]})

    response = client.post("/checklist/opening", data=data, content_type="multipart/form-data")

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    # The phone page keeps what was entered in its draft (tests/browser); a plain post shows why.
    card = page[page.index('id="rule-folded_size_order"') :]
    assert "XLL" in card[: card.index("</fieldset>")]
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 0


def test_fetch_submission_gets_json_errors_so_the_page_keeps_its_photos(client, signed_in_staff):
    html = client.get("/checklist/opening").get_data(as_text=True)
    data = checklist_form_data(html, **{"photo.window": (io.BytesIO(b"not an image"), "w.jpg")})

    response = client.post(
        "/checklist/opening",
        data=data,
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 415
    assert set(response.get_json()["errors"]) == {"photo.window"}


def test_double_tap_submits_once(client, signed_in_staff):
    html = client.get("/checklist/opening").get_data(as_text=True)
    photos = {area: factories.unique_jpeg() for area in ("folded", "hanging", "window")}

    def tap():
        files = {f"photo.{area}": (io.BytesIO(data), f"{area}.jpg") for area, data in photos.items()}
        return client.post(
            "/checklist/opening", data=checklist_form_data(html, **files), content_type="multipart/form-data"
        )

    first = tap()
    second = tap()

    assert first.status_code == 303
    assert second.status_code in (302, 303)
    assert second.headers["Location"] == first.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 1


def test_post_without_csrf_token_is_refused(client, signed_in_staff):
    html = client.get("/checklist/opening").get_data(as_text=True)
    data = checklist_form_data(html)
    del data["csrf_token"]

    response = client.post("/checklist/opening", data=data, content_type="multipart/form-data")

    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 0


def test_another_shops_staff_cannot_open_a_result(client, signed_in_staff):
    html = client.get("/checklist/opening").get_data(as_text=True)
    location = client.post(
        "/checklist/opening", data=checklist_form_data(html), content_type="multipart/form-data"
    ).headers["Location"]
    other = factories.make_user("staff", username="staff2")
    db.session.commit()
    client.post("/logout", data={"csrf_token": csrf_from(html)})

    page_login(client, other.username)

    assert client.get(location).status_code == 404


def test_supervisor_home_lists_their_areas_submissions(client, signed_in_staff, staff):
    html = client.get("/checklist/opening").get_data(as_text=True)
    client.post("/checklist/opening", data=checklist_form_data(html), content_type="multipart/form-data")
    supervisor = factories.make_user("supervisor", area=staff.shop.area)
    db.session.commit()
    client.post("/logout", data={"csrf_token": csrf_from(html)})

    page_login(client, supervisor.username)
    overview = client.get("/").get_data(as_text=True)

    assert "ZZ001" in overview and "100.0" in overview


def test_pages_need_sign_in(client):
    response = client.get("/checklist/opening")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_sign_in_page_is_throttled_too(app, client, staff):
    app.config["SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS"] = 2
    token = csrf_from(client.get("/login").get_data(as_text=True))
    for _ in range(2):
        client.post("/login", data={"username": "staff1", "password": "nope-nope", "csrf_token": token})

    response = client.post(
        "/login",
        data={"username": "staff1", "password": factories.PASSWORD, "csrf_token": token},
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_expired_csrf_token_on_a_fetch_submission_answers_json(client, signed_in_staff):
    html = client.get("/checklist/opening").get_data(as_text=True)
    data = checklist_form_data(html, csrf_token="expired-token")

    response = client.post(
        "/checklist/opening", data=data, content_type="multipart/form-data", headers={"Accept": "application/json"}
    )

    assert response.status_code == 400
    assert set(response.get_json()["errors"]) == {"form"}


def test_pages_forbid_framing_and_foreign_scripts(client):
    headers = client.get("/login").headers

    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"


def _submit_for(shop, client_factory):
    """Store a passing opening checklist for ``shop`` through the API as its own staff."""
    from tests.conftest import api_login
    from tests.factories import new_key, submission_form

    user = factories.make_user("staff", shop=shop)
    db.session.commit()
    client = client_factory()
    headers = api_login(client, user.username)
    response = client.post(
        "/api/v1/submissions",
        data=submission_form(),
        headers={**headers, "Idempotency-Key": new_key()},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201


def test_supervisor_sees_only_their_area_and_the_page_does_not_query_per_shop(app, client, count_queries):
    area = factories.make_area(code="HN-ZZ")
    own_shops = [factories.make_shop(code=f"ZZ00{n}", area=area) for n in range(1, 6)]
    stranger = factories.make_shop(code="LY001")
    for shop in [*own_shops, stranger]:
        _submit_for(shop, app.test_client)
    supervisor = factories.make_user("supervisor", area=area)
    db.session.commit()
    page_login(client, supervisor.username)
    own_codes = [shop.code for shop in own_shops]
    db.session.close()  # the request must load what it shows, not find it in the test's session

    with count_queries() as statements:
        overview = client.get("/").get_data(as_text=True)

    assert all(code in overview for code in own_codes)
    assert "LY001" not in overview
    assert len(statements) <= 6  # user, submissions, their shops: not one query per row


def test_admin_sees_every_shop(app, client):
    shops = [factories.make_shop(code="ZZ001"), factories.make_shop(code="LY001")]
    for shop in shops:
        _submit_for(shop, app.test_client)
    admin = factories.make_user("admin")
    db.session.commit()
    page_login(client, admin.username)

    overview = client.get("/").get_data(as_text=True)

    assert "ZZ001" in overview and "LY001" in overview


def test_database_trouble_answers_503_and_asks_to_retry(client, signed_in_staff, monkeypatch):
    from sqlalchemy.exc import OperationalError

    import merch.staff.routes

    def locked(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setattr(merch.staff.routes, "day_statuses", locked)

    response = client.get("/", headers={"Accept-Language": "en"})

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "Nothing was saved" in response.get_data(as_text=True)


def test_checklist_page_before_the_shop_opened_offers_no_form(client, clock):
    from datetime import date

    shop = factories.make_shop(opened_on=date(2026, 12, 1))
    user = factories.make_user("staff", shop=shop)
    db.session.commit()
    page_login(client, user.username)

    html = client.get("/checklist/opening", headers={"Accept-Language": "en"}).get_data(as_text=True)

    assert "no checklists before its opening date" in html
    assert "data-checklist" not in html


def test_sizes_with_spaces_in_their_names_are_taken_whole_on_the_page(client, signed_in_staff):
    html = client.get("/checklist/opening").get_data(as_text=True)
    data = checklist_form_data(
        html, **{"folded_size_order.sizes": "Free Size, Free Size", "hanging_size_order.sizes": "160/84 A, 165/88 A"}
    )

    response = client.post("/checklist/opening", data=data, content_type="multipart/form-data")

    assert response.status_code == 303
    assert "100.0" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_home_at_3am_says_when_each_checklist_opens_and_how_long_until_then(client, signed_in_staff, clock):
    clock.set_local(2026, 11, 24, 3, 20)
    client.post("/language", data={"language": "en", "csrf_token": csrf_from(client.get("/").get_data(as_text=True))})

    html = client.get("/").get_data(as_text=True)

    assert "Opens 09:00, in 5 h 40 min · due by 11:00" in html
    assert "Opens 21:00, in 17 h 40 min · due by 22:30" in html
    clock.set_local(2026, 11, 24, 3, 0)
    assert "Opens 09:00, in 6 h · due by 11:00" in client.get("/").get_data(as_text=True)


def test_home_says_how_long_is_left_while_a_checklist_is_open(client, signed_in_staff, clock):
    clock.set_local(2026, 11, 24, 10, 55)
    client.post(
        "/language", data={"language": "zh-Hant", "csrf_token": csrf_from(client.get("/").get_data(as_text=True))}
    )

    html = client.get("/").get_data(as_text=True)

    assert "現在可填 · 11:00 前完成（還有 5 分鐘）" in html
