"""Ranking, why-this-rank, trend and report pages: who sees what, and fixed query counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from merch.extensions import db
from tests import factories
from tests.conftest import page_login

TODAY = date(2026, 11, 24)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def add_shops(area, count: int, start: int) -> list:
    shops = []
    for number in range(start, start + count):
        shop = factories.make_shop(code=f"ZZ{number:03d}", area=area)
        factories.make_submission(shop, days_ago(1), "opening", "80.0", failed=("stack_count",))
        factories.make_submission(shop, days_ago(2), "closing", "60.0", late=True)
        shops.append(shop)
    db.session.commit()
    return shops


@pytest.fixture
def area_history(shop):
    factories.make_submission(shop, days_ago(1), "opening", "90.0", failed=("hang_count",))
    add_shops(shop.area, 2, start=2)
    return shop


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_staff_see_their_shops_place_in_its_area_and_only_their_own_reasons(client, staff, area_history):
    page_login(client, staff.username)

    html = text_of(client.get("/supervise/rankings?days=7"))
    assert 'class="own"' in html and "ZZ001" in html and "ZZ002" in html
    assert "/supervise/rankings/ZZ001" in html and "/supervise/rankings/ZZ002" not in html
    reasons = text_of(client.get("/supervise/rankings/ZZ001?days=7", headers={"Accept-Language": "en"}))
    assert "Missed checklists" in reasons and "2026-11-22" in reasons
    assert client.get("/supervise/rankings/ZZ002").status_code == 404


def test_admins_compare_areas_and_pick_one(client, area_history):
    other = factories.make_area(code="HN-LY", name="洛陽區")
    add_shops(other, 1, start=50)
    admin = factories.make_user("admin", username="boss")
    db.session.commit()
    page_login(client, admin.username)

    areas = text_of(client.get("/supervise/rankings?view=areas&days=30"))
    one = text_of(client.get("/supervise/rankings?area=HN-LY"))

    assert "洛陽區" in areas and area_history.area.code in areas
    assert "ZZ050" in one and "ZZ001" not in one
    assert client.get("/supervise/rankings?area=NOPE").status_code == 404


def test_trend_pages_draw_an_inline_svg_chart_and_the_rules_failed_most(client, area_history):
    supervisor = factories.make_user("supervisor", area=area_history.area)
    db.session.commit()
    page_login(client, supervisor.username)

    for url in ("/supervise/stores/ZZ001/trend?days=7", f"/supervise/areas/{area_history.area.code}/trend?days=90"):
        html = text_of(client.get(url))
        assert "<svg" in html and "<polyline" in html
        assert "http://" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert client.get("/supervise/areas/HN-NOPE/trend").status_code == 404


def test_report_pages_are_printable_and_take_a_period(client, area_history):
    supervisor = factories.make_user("supervisor", area=area_history.area)
    db.session.commit()
    page_login(client, supervisor.username)

    shop_html = text_of(client.get("/supervise/stores/ZZ001/report?from=2026-11-20&to=2026-11-23"))
    area_html = text_of(client.get(f"/supervise/areas/{area_history.area.code}/report"))

    assert "2026-11-20" in shop_html and "rankings.css" in shop_html
    assert "ZZ002" in area_html
    assert client.get("/supervise/stores/ZZ001/report?from=2026-11-23&to=2026-11-01").status_code == 400
    assert client.get("/supervise/stores/ZZ001/report?from=x&to=y").status_code == 400


def test_outsiders_get_404_for_shops_and_areas_outside_their_scope(client, area_history):
    stranger = factories.make_user("supervisor", area=factories.make_area(code="XX"))
    db.session.commit()
    page_login(client, stranger.username)

    for url in (
        "/supervise/rankings/ZZ001",
        "/supervise/stores/ZZ001/trend",
        "/supervise/stores/ZZ001/report",
        f"/supervise/areas/{area_history.area.code}/trend",
        f"/supervise/areas/{area_history.area.code}/report",
    ):
        assert client.get(url).status_code == 404, url


PAGES = [
    "/supervise/rankings?days=30",
    "/supervise/rankings?days=30&view=areas",
    "/supervise/rankings/ZZ001?days=30",
    "/supervise/stores/ZZ001/trend?days=30",
    "/supervise/areas/{area}/trend?days=30",
    "/supervise/stores/ZZ001/report",
    "/supervise/areas/{area}/report",
]


@pytest.mark.parametrize("url", PAGES)
def test_each_page_makes_the_same_number_of_queries_for_3_shops_and_for_8(client, count_queries, area_history, url):
    admin = factories.make_user("admin", username="boss")
    db.session.commit()
    page_login(client, admin.username)
    url = url.format(area=area_history.area.code)
    text_of(client.get(url))  # warm up (session, user)
    db.session.commit()  # both measured requests start from an expired session

    with count_queries() as few:
        text_of(client.get(url))
    add_shops(area_history.area, 5, start=10)
    for shop_number in (10, 11):
        factories.make_submission(area_history, days_ago(3 + shop_number), "opening", "70.0")
    db.session.commit()
    with count_queries() as many:
        text_of(client.get(url))

    assert len(many) == len(few), (few, many)
    assert len(few) <= 12
