"""GET /api/v1/rankings: figures, order, scope, previous rank and period validation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from jsonschema import Draft202012Validator

from merch.extensions import db
from tests import factories
from tests.conftest import api_login

TODAY = date(2026, 11, 24)  # the clock fixture: 10:30 in Shanghai, opening not yet due


@pytest.fixture
def area_shops(shop):
    """Three shops of one area (ZZ001 among them), and one shop in another area."""
    other = factories.make_shop(code="ZZ002", area=shop.area)
    third = factories.make_shop(code="ZZ003", area=shop.area)
    elsewhere = factories.make_shop(code="LY001")
    db.session.commit()
    return shop, other, third, elsewhere


def yesterday(n: int = 1) -> date:
    return TODAY - timedelta(days=n)


def test_staff_see_their_areas_shops_ranked_with_missed_counting_zero(client, staff, area_shops):
    zz1, zz2, zz3, _ = area_shops
    factories.make_submission(zz1, yesterday(), "opening", "80.0")
    factories.make_submission(zz1, yesterday(), "closing", "90.0", late=True)
    factories.make_submission(zz2, yesterday(), "opening", "100.0")
    db.session.commit()

    body = client.get("/api/v1/rankings?days=1", headers=api_login(client, staff.username)).get_json()
    # days=1 is today: nothing due yet at 10:30 (opening due 11:00), so every score is null
    assert [row["score"] for row in body["stores"]] == [None, None, None]

    body = client.get("/api/v1/rankings?days=2", headers=api_login(client, staff.username)).get_json()

    assert body["period"] == {"from": "2026-11-23", "to": "2026-11-24", "days": 2}
    assert body["area"] == zz1.area.code
    rows = {row["store"]: row for row in body["stores"]}
    assert set(rows) == {"ZZ001", "ZZ002", "ZZ003"}
    assert rows["ZZ001"] == {
        "rank": 1,
        "store": "ZZ001",
        "name": zz1.name,
        "area": zz1.area.code,
        "score": 85.0,
        "due": 2,
        "submitted": 2,
        "late": 1,
        "missed": 0,
        "previous_rank": 1,  # 21st–22nd: all three missed everything, so code order
    }
    assert (rows["ZZ002"]["rank"], rows["ZZ002"]["score"], rows["ZZ002"]["missed"]) == (2, 50.0, 1)
    assert (rows["ZZ003"]["rank"], rows["ZZ003"]["score"], rows["ZZ003"]["missed"]) == (3, 0.0, 2)
    for row in body["stores"]:
        assert row["submitted"] + row["missed"] == row["due"]


def test_ties_are_broken_by_fewer_missed_then_fewer_late_then_code(client, staff, area_shops):
    zz1, zz2, zz3, _ = area_shops
    # Each averages 50.0 over 2 due checklists.
    factories.make_submission(zz1, yesterday(), "opening", "50.0")
    factories.make_submission(zz1, yesterday(), "closing", "50.0", late=True)
    factories.make_submission(zz2, yesterday(), "opening", "100.0")
    factories.make_submission(zz3, yesterday(), "opening", "50.0")
    factories.make_submission(zz3, yesterday(), "closing", "50.0")
    db.session.commit()

    body = client.get(
        "/api/v1/rankings?from=2026-11-23&to=2026-11-23", headers=api_login(client, staff.username)
    ).get_json()

    assert [(row["rank"], row["store"]) for row in body["stores"]] == [(1, "ZZ003"), (2, "ZZ001"), (3, "ZZ002")]


def test_a_sent_back_checklist_counts_as_missed_until_resubmitted(client, staff, area_shops):
    zz1, zz2, _, _ = area_shops
    factories.make_submission(zz1, yesterday(), "opening", "100.0", status="sent_back")
    db.session.commit()
    headers = api_login(client, staff.username)

    before = client.get("/api/v1/rankings?from=2026-11-23&to=2026-11-23", headers=headers).get_json()
    factories.make_submission(zz1, yesterday(), "opening", "70.0", late=True)
    db.session.commit()
    after = client.get("/api/v1/rankings?from=2026-11-23&to=2026-11-23", headers=headers).get_json()

    row = next(row for row in before["stores"] if row["store"] == "ZZ001")
    assert (row["submitted"], row["missed"], row["score"]) == (0, 2, 0.0)
    row = next(row for row in after["stores"] if row["store"] == "ZZ001")
    assert (row["submitted"], row["missed"], row["late"], row["score"]) == (1, 1, 1, 35.0)


def test_previous_rank_comes_from_the_period_of_the_same_length_before(client, staff, area_shops):
    zz1, zz2, zz3, _ = area_shops
    # Period: 22nd–23rd; before it: 20th–21st.
    for day in (yesterday(3), yesterday(4)):
        factories.make_submission(zz2, day, "opening", "100.0")
        factories.make_submission(zz2, day, "closing", "100.0")
        factories.make_submission(zz1, day, "opening", "10.0")
    for day in (yesterday(1), yesterday(2)):
        factories.make_submission(zz1, day, "opening", "100.0")
        factories.make_submission(zz1, day, "closing", "100.0")
    db.session.commit()
    zz3.opened_on = yesterday(2)  # nothing was due at ZZ003 before the 22nd
    db.session.commit()

    body = client.get(
        "/api/v1/rankings?from=2026-11-22&to=2026-11-23", headers=api_login(client, staff.username)
    ).get_json()

    rows = {row["store"]: row for row in body["stores"]}
    assert (rows["ZZ001"]["rank"], rows["ZZ001"]["previous_rank"]) == (1, 2)
    assert (rows["ZZ002"]["rank"], rows["ZZ002"]["previous_rank"]) == (2, 1)
    assert rows["ZZ003"]["previous_rank"] is None


def test_supervisors_see_their_area_and_an_area_parameter_is_ignored(client, area_shops):
    zz1, _, _, elsewhere = area_shops
    supervisor = factories.make_user("supervisor", area=zz1.area)
    db.session.commit()

    body = client.get(
        f"/api/v1/rankings?area={elsewhere.area.code}", headers=api_login(client, supervisor.username)
    ).get_json()

    assert body["area"] == zz1.area.code
    assert {row["store"] for row in body["stores"]} == {"ZZ001", "ZZ002", "ZZ003"}


def test_admins_see_every_shop_or_one_area(client, area_shops):
    _, _, _, elsewhere = area_shops
    admin = factories.make_user("admin")
    db.session.commit()
    headers = api_login(client, admin.username)

    everything = client.get("/api/v1/rankings", headers=headers).get_json()
    one_area = client.get(f"/api/v1/rankings?area={elsewhere.area.code}", headers=headers).get_json()
    unknown = client.get("/api/v1/rankings?area=NOPE", headers=headers)

    assert everything["area"] is None
    assert [row["store"] for row in everything["stores"]] == ["LY001", "ZZ001", "ZZ002", "ZZ003"]
    assert everything["period"] == {"from": "2026-11-18", "to": "2026-11-24", "days": 7}
    assert [row["store"] for row in one_area["stores"]] == ["LY001"]
    assert one_area["area"] == elsewhere.area.code
    assert unknown.status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "days=0",
        "days=367",
        "days=abc",
        "days=-1",
        "days=7.5",
        "days=",
        "from=2026-11-01",
        "to=2026-11-01",
        "from=2026-11-10&to=2026-11-01",
        "from=2025-11-01&to=2026-11-02",
        "from=2026-13-01&to=2026-12-02",
        "from=yesterday&to=2026-11-02",
    ],
)
def test_bad_periods_are_400_bad_request(client, staff, query):
    response = client.get(f"/api/v1/rankings?{query}", headers=api_login(client, staff.username))

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_limits_of_the_period_are_accepted(client, staff):
    headers = api_login(client, staff.username)

    assert client.get("/api/v1/rankings?days=366", headers=headers).status_code == 200
    assert client.get("/api/v1/rankings?days=1", headers=headers).status_code == 200
    year = client.get("/api/v1/rankings?from=2025-11-24&to=2026-11-24", headers=headers).get_json()
    assert year["period"]["days"] == 366


def test_without_a_token_rankings_are_401(client):
    assert client.get("/api/v1/rankings").status_code == 401


def test_shops_in_two_time_zones_each_end_on_their_own_today(client, clock, area_shops):
    zz1, _, _, _ = area_shops
    berlin = factories.make_shop(code="BE001", area=zz1.area, timezone="Europe/Berlin")
    admin = factories.make_user("admin")
    db.session.commit()
    # 12:00 in Shanghai: the 24th there, 05:00 on the 24th in Berlin.
    clock.set_local(2026, 11, 24, 12, 0)
    factories.make_submission(berlin, date(2026, 11, 23), "closing", "60.0")
    factories.make_submission(zz1, date(2026, 11, 24), "opening", "90.0")
    db.session.commit()

    body = client.get(
        f"/api/v1/rankings?days=1&area={zz1.area.code}", headers=api_login(client, admin.username)
    ).get_json()

    rows = {row["store"]: row for row in body["stores"]}
    assert (rows["ZZ001"]["due"], rows["ZZ001"]["score"]) == (1, 90.0)  # Shanghai opening is due
    assert (rows["BE001"]["due"], rows["BE001"]["score"]) == (0, None)  # Berlin's 24th: nothing due yet
    assert rows["BE001"]["rank"] == 4  # a null score ranks after ZZ002 and ZZ003 (0.0)


def test_rankings_answer_matches_its_schema(client, staff, area_shops):
    factories.make_submission(area_shops[0], yesterday(), "opening", "80.0")
    db.session.commit()
    document = client.get("/api/v1/openapi.json").get_json()
    body = client.get("/api/v1/rankings?days=30", headers=api_login(client, staff.username)).get_json()

    validator = Draft202012Validator({**document, "$ref": "#/components/schemas/Rankings"})
    assert list(validator.iter_errors(body)) == []


def test_an_inactive_shop_is_not_ranked(client, staff, area_shops):
    _, zz2, _, _ = area_shops
    zz2.active = False
    db.session.commit()

    body = client.get("/api/v1/rankings?days=2", headers=api_login(client, staff.username)).get_json()

    assert [row["store"] for row in body["stores"]] == ["ZZ001", "ZZ003"]


def test_the_answer_is_byte_for_byte_what_flasks_json_provider_writes(app, client, area_shops):
    zz1, zz2, zz3, _ = area_shops
    # Names a JSON writer must escape: quotes, a backslash, a control character, Chinese
    # and a character outside the BMP (a surrogate pair).
    zz1.name = 'Shop "A" \\ 鄭州\t😀'
    zz2.name = "历史示范店 </script>"
    admin = factories.make_user("admin")
    zz3.opened_on = TODAY  # nothing due yet: a null score and no previous rank
    factories.make_submission(zz1, yesterday(), "opening", "33.4")
    factories.make_submission(zz1, yesterday(), "closing", "66.8", late=True)
    factories.make_submission(zz2, yesterday(2), "opening", "0.3")
    factories.make_submission(zz2, yesterday(4), "closing", "100.0")
    db.session.commit()
    headers = api_login(client, admin.username)

    for url in ("/api/v1/rankings?days=3", "/api/v1/rankings?days=1", f"/api/v1/rankings?days=2&area={zz1.area.code}"):
        response = client.get(url, headers=headers)
        with app.test_request_context():
            expected = app.json.response(response.get_json())
        assert response.get_data() == expected.get_data(), url
        assert response.mimetype == expected.mimetype == "application/json"
    body = client.get("/api/v1/rankings?days=3", headers=headers).get_json()
    # 100.2 / 4 = 25.05 and 0.3 / 4 = 0.075, both rounded half up; a null; previous ranks.
    assert {row["store"]: row["score"] for row in body["stores"]} == {
        "ZZ001": 25.1,
        "ZZ002": 0.1,
        "ZZ003": None,
        "LY001": 0.0,
    }
    assert {row["previous_rank"] for row in body["stores"]} == {1, 2, 3, None}

    # Pretty-printed (debug) JSON, which the template does not write, goes through Flask.
    app.json.compact = False
    try:
        pretty = client.get("/api/v1/rankings?days=3", headers=headers)
    finally:
        app.json.compact = None
    assert pretty.get_json() == body
    assert pretty.get_data().startswith(b'{\n  "area": ')
