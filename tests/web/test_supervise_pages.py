"""Supervisor pages and the shop's side of review, used as a browser would (no JavaScript)."""

from __future__ import annotations

import io
from datetime import date

import pytest

from merch.extensions import db
from merch.models import CorrectiveAction, Submission
from tests.conftest import csrf_from, page_login
from tests.factories import jpeg_bytes, passing_answers
from tests.supervision import distinct_photos, headers_for, make_cast, submit


@pytest.fixture
def cast(shop, staff):
    return make_cast(shop, staff)


def browser(app, user):
    """A separate browser signed in as ``user``."""
    page = app.test_client()
    page_login(page, user.username)
    page.post(
        "/language", data={"language": "en", "csrf_token": csrf_from(page.get("/").get_data(as_text=True)), "next": "/"}
    )
    return page


def weak(client, cast):
    answers = passing_answers()
    answers["window_clean"] = {"ok": False}
    return submit(client, headers_for(client, cast.staff), answers)


def test_the_queue_lists_what_needs_a_look_with_who_and_when(app, client, cast):
    failed = weak(client, cast)
    clean = submit(client, headers_for(client, cast.other_staff))  # another area: not listed
    page = browser(app, cast.supervisor)

    html = page.get("/supervise/").get_data(as_text=True)

    assert f"/supervise/submissions/{failed['id']}" in html and f"/supervise/submissions/{clean['id']}" not in html
    assert "Test user" in html and "completed 11-24 10:30" in html and "received 11-24 10:30" in html
    assert "Failed items" in html


def test_clean_checklists_are_marked_reviewed_together(app, client, cast, clock):
    ids = []
    for day in (22, 23):
        clock.set_local(2026, 11, day, 10, 30)
        ids.append(submit(client, headers_for(client, cast.staff))["id"])
    page = browser(app, cast.supervisor)
    html = page.get("/supervise/").get_data(as_text=True)
    assert "2 clean checklists" in html

    response = page.post(
        "/supervise/reviewed", data={"csrf_token": csrf_from(html), "submission": [str(i) for i in ids]}
    )

    assert response.status_code == 303
    assert {db.session.get(Submission, i).status for i in ids} == {"reviewed"}


def test_the_review_page_sets_this_photo_beside_the_previous_one(app, client, cast, clock):
    clock.set_local(2026, 11, 23, 10, 30)
    earlier = submit(client, headers_for(client, cast.staff))
    clock.set_local(2026, 11, 24, 10, 30)
    now = weak(client, cast)
    page = browser(app, cast.supervisor)

    html = page.get(f"/supervise/submissions/{now['id']}").get_data(as_text=True)

    for area in ("folded", "hanging", "window"):
        assert f"/api/v1/photos/{now['photos'][area][0]['id']}?size=thumb" in html
        assert f"/api/v1/photos/{earlier['photos'][area][0]['id']}?size=thumb" in html
    assert "Window clothes are clean" in html and "Automatic result: fail" in html


def test_review_form_overrides_opens_an_action_and_marks_reviewed(app, client, cast):
    created = weak(client, cast)
    page = browser(app, cast.supervisor)
    html = page.get(f"/supervise/submissions/{created['id']}").get_data(as_text=True)

    response = page.post(
        f"/supervise/submissions/{created['id']}",
        data={
            "csrf_token": csrf_from(html),
            "result.folded_grouping": "fail",
            "comment.folded_grouping": "winter mixed with summer",
            "open_action.window_clean": "1",
            "action_comment.window_clean": "clean the glass",
            "action": "reviewed",
        },
    )

    assert response.status_code == 303
    submission = db.session.get(Submission, created["id"])
    assert submission.status == "reviewed" and submission.score < submission.original_score
    (action,) = submission.actions
    assert action.key == "window_clean" and action.comment == "clean the glass"
    html = page.get(f"/supervise/submissions/{created['id']}").get_data(as_text=True)
    assert "Override history" in html and "winter mixed with summer" in html


def test_an_action_on_a_passing_item_shows_the_reason_on_the_page(app, client, cast):
    created = weak(client, cast)
    page = browser(app, cast.supervisor)
    html = page.get(f"/supervise/submissions/{created['id']}").get_data(as_text=True)

    response = page.post(
        f"/supervise/submissions/{created['id']}",
        data={"csrf_token": csrf_from(html), "open_action.focal_point": "1", "action": "reviewed"},
    )

    assert response.status_code == 422
    assert "a corrective action is only for a failing item" in response.get_data(as_text=True)
    assert db.session.get(Submission, created["id"]).status == "submitted"


def test_send_back_reaches_the_shop_which_redoes_it_days_later(app, client, cast, clock):
    created = weak(client, cast)
    supervisor = browser(app, cast.supervisor)
    html = supervisor.get(f"/supervise/submissions/{created['id']}").get_data(as_text=True)
    supervisor.post(
        f"/supervise/submissions/{created['id']}",
        data={"csrf_token": csrf_from(html), "comment": "window is dusty, redo", "action": "sent_back"},
    )
    clock.set_local(2026, 11, 27, 15, 0)  # three days later
    shop_page = browser(app, cast.staff)

    home = shop_page.get("/").get_data(as_text=True)
    assert "window is dusty, redo" in home and "/checklist/opening?date=2026-11-24" in home

    form = shop_page.get("/checklist/opening?date=2026-11-24").get_data(as_text=True)
    assert "2026-11-24" in form
    from tests.web.test_staff_pages import checklist_form_data

    data = checklist_form_data(form)
    for area, content in distinct_photos().items():
        data[area] = (io.BytesIO(content), "p.jpg")
    response = shop_page.post("/checklist/opening?date=2026-11-24", data=data, content_type="multipart/form-data")

    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    redo = db.session.query(Submission).filter(Submission.status == "submitted").one()
    assert redo.business_date == date(2026, 11, 24) and redo.id != created["id"]
    assert "window is dusty, redo" not in shop_page.get("/").get_data(as_text=True)


def test_the_shop_closes_an_action_with_a_photo_and_the_supervisor_verifies_it(app, client, cast):
    created = weak(client, cast)
    client.post(
        f"/api/v1/submissions/{created['id']}/review",
        json={"action": "reviewed", "actions": [{"key": "window_clean", "comment": "clean the glass"}]},
        headers=headers_for(client, cast.supervisor),
    )
    action = db.session.query(CorrectiveAction).one()
    shop_page = browser(app, cast.staff)
    home = shop_page.get("/").get_data(as_text=True)
    assert "clean the glass" in home and f"/actions/{action.id}" in home

    page = shop_page.get(f"/actions/{action.id}").get_data(as_text=True)
    assert f"/api/v1/photos/{created['photos']['window'][0]['id']}?size=thumb" in page  # the photo that failed
    missing = shop_page.post(f"/actions/{action.id}", data={"csrf_token": csrf_from(page), "note": "done"})
    assert missing.status_code == 422 and "Add at least one photo" in missing.get_data(as_text=True)
    closed = shop_page.post(
        f"/actions/{action.id}",
        data={
            "csrf_token": csrf_from(page),
            "note": "glass cleaned",
            "photo": (io.BytesIO(jpeg_bytes(colour=(1, 250, 1))), "f.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert closed.status_code == 303

    supervisor = browser(app, cast.supervisor)
    verify_page = supervisor.get(f"/supervise/actions/{action.id}").get_data(as_text=True)
    assert "glass cleaned" in verify_page
    supervisor.post(
        f"/supervise/actions/{action.id}", data={"csrf_token": csrf_from(verify_page), "action": "verified"}
    )
    db.session.expire_all()
    assert db.session.get(CorrectiveAction, action.id).status == "verified"


def test_the_board_page_shows_every_shop(app, client, cast):
    weak(client, cast)
    page = browser(app, cast.supervisor)

    html = page.get("/supervise/board").get_data(as_text=True)

    assert "ZZ001" in html and "LY001" not in html and "Done" in html
    assert page.get("/supervise/board?date=2026-11-20").status_code == 200
    assert page.get("/supervise/board?date=20-11").status_code == 400


def test_the_visit_page_is_the_checklist_page_for_the_visit_rules(app, client, cast):
    page = browser(app, cast.supervisor)

    html = page.get("/supervise/visit/ZZ001").get_data(as_text=True)

    assert 'data-shift="visit"' in html and 'data-store="ZZ001"' in html
    assert 'data-key="storefront"' in html and 'data-key="pop_layout"' in html
    assert 'data-key="window_refresh"' not in html
    assert 'name="photo.storefront"' in html


@pytest.mark.parametrize("path", ["/supervise/", "/supervise/board", "/supervise/actions", "/supervise/visit/ZZ001"])
def test_staff_may_not_open_supervisor_pages(app, cast, path):
    assert browser(app, cast.staff).get(path).status_code == 403


def test_another_areas_pages_are_not_found(app, client, cast):
    created = weak(client, cast)
    page = browser(app, cast.other_supervisor)

    assert page.get(f"/supervise/submissions/{created['id']}").status_code == 404
    assert page.get("/supervise/visit/ZZ001").status_code == 404
    assert page.get("/supervise/board?area=" + cast.area.code).status_code == 404
    assert browser(app, cast.admin).get(f"/supervise/submissions/{created['id']}").status_code == 200


def test_the_review_page_shows_the_photo_a_copy_was_made_of_only_to_who_may_see_it(app, client, cast, clock):
    from tests.api.test_evidence import _photos, _shot
    from tests.evidence_images import COPIES, jpeg

    clock.set_local(2026, 11, 23, 10, 30)
    original = submit(client, headers_for(client, cast.staff), photos=_photos(folded=jpeg(_shot(11), 92)))
    original_id = original["photos"]["folded"][0]["id"]
    clock.set_local(2026, 11, 24, 10, 30)
    # Another area's shop sends a re-compressed copy of it.
    copy = submit(
        client, headers_for(client, cast.other_staff), photos=_photos(folded=COPIES["recompressed_q60"](_shot(11)))
    )
    page = f"/supervise/submissions/{copy['id']}"

    admin_html = browser(app, cast.admin).get(page).get_data(as_text=True)
    area_html = browser(app, cast.other_supervisor).get(page).get_data(as_text=True)

    # The admin sees the earlier photo beside the new one, with its shop.
    assert "Same picture as a photo of 2026-11-23" in admin_html
    assert f"/api/v1/photos/{original_id}?size=thumb" in admin_html and "ZZ001" in admin_html
    # The copying shop's supervisor learns the date, not the other area's photo or shop.
    assert "Same picture as a photo of 2026-11-23" in area_html
    assert "A photo of a shop outside your area: not shown" in area_html
    assert f"/api/v1/photos/{original_id}" not in area_html and "ZZ001" not in area_html
