"""Admin pages for areas and shops: forms refuse bad values with clear messages, changes are audited."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import func, select

from merch.checklists import ChecklistState
from merch.extensions import db
from merch.models import Area, AuditEntry, Shop
from merch.services.checklists import day_statuses
from tests import factories
from tests.admin.conftest import post_form

GOOD_SHOP = {
    "code": "TP002",
    "name": "台北東區店",
    "area": "TW-TP",
    "timezone": "Asia/Taipei",
    "opens": "11:00",
    "closes": "21:30",
    "language": "zh-Hant",
    "opened_on": "2026-02-01",
    "active": "y",
    "size_set": "XS, S, M, L, XL",
}


def test_area_is_created_and_renamed_with_both_in_the_audit_log(client, signed_in_admin):
    created = post_form(client, "/admin/areas/new", {"code": "TW-TP", "name": "台北區"})
    renamed = post_form(client, "/admin/areas/TW-TP", {"name": "台北一區"})

    assert created.status_code == 302 and renamed.status_code == 302
    assert db.session.scalar(select(Area.name).where(Area.code == "TW-TP")) == "台北一區"
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [entry.action for entry in entries] == ["area.create", "area.update"]
    assert entries[1].before == {"code": "TW-TP", "name": "台北區"} and entries[1].after["name"] == "台北一區"
    assert all(entry.actor_name == "boss" for entry in entries)


def test_the_area_list_shows_each_area_with_its_shop_count(client, signed_in_admin):
    # Found by the access matrix: with any area at all, the list was a 500 (the page of
    # (area, count) rows came back as bare areas).
    north, south = factories.make_area("HN-ZZ", name="鄭州區"), factories.make_area("HN-LY", name="洛陽區")
    factories.make_shop("ZZ001", area=north)
    factories.make_shop("ZZ002", area=north)
    db.session.commit()

    response = client.get("/admin/areas")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    rows = {code: page.split(f"<code>{code}</code>", 1)[1].split("</tr>", 1)[0] for code in ("HN-ZZ", "HN-LY")}
    assert "鄭州區" in rows["HN-ZZ"] and ">2</a>" in rows["HN-ZZ"]
    assert "洛陽區" in rows["HN-LY"] and ">0</a>" in rows["HN-LY"]
    assert south.code in page


def test_area_code_taken_or_malformed_is_refused_in_the_admins_language(client, signed_in_admin):
    signed_in_admin.language = "zh-Hant"
    factories.make_area("TW-TP")
    db.session.commit()

    taken = post_form(client, "/admin/areas/new", {"code": "TW-TP", "name": "x"})
    malformed = post_form(client, "/admin/areas/new", {"code": "台北 區", "name": ""})

    assert taken.status_code == 422 and "「TW-TP」已被使用。" in taken.get_data(as_text=True)
    body = malformed.get_data(as_text=True)
    assert malformed.status_code == 422 and "不是有效的代碼" in body and "這一欄必填。" in body
    assert db.session.scalar(select(func.count()).select_from(Area)) == 1


def test_shop_is_created_with_every_field(client, signed_in_admin):
    factories.make_area("TW-TP")
    db.session.commit()

    response = post_form(client, "/admin/shops/new", GOOD_SHOP)

    assert response.status_code == 302
    shop = db.session.scalar(select(Shop).where(Shop.code == "TP002"))
    assert (shop.timezone, shop.opens_at, shop.closes_at, shop.language) == (
        "Asia/Taipei",
        time(11),
        time(21, 30),
        "zh-Hant",
    )
    assert shop.opened_on == date(2026, 2, 1) and shop.active and shop.area.code == "TW-TP"
    entry = db.session.scalar(select(AuditEntry))
    assert entry.action == "shop.create" and entry.after["opens"] == "11:00" and entry.before is None


def test_each_wrong_shop_field_gets_its_own_message(client, signed_in_admin):
    signed_in_admin.language = "zh-Hans"
    factories.make_area("TW-TP")
    db.session.commit()
    bad = {
        **GOOD_SHOP,
        "timezone": "Asia/Taipie",
        "opens": "22:00",
        "closes": "10:00",
        "language": "fr",
        "opened_on": "2026-02-30",
        "area": "NOPE",
        "code": "TP 1",
    }

    response = post_form(client, "/admin/shops/new", bad)

    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "“Asia/Taipie”不是时区名称" in body
    assert "闭店时间 10:00 必须在同一天的开店时间 22:00 之后。" in body
    assert "“fr”不是语言" in body and "“2026-02-30”不是日期" in body
    assert "没有区域 NOPE。" in body and "“TP 1”不是有效的代码" in body
    assert db.session.scalar(select(func.count()).select_from(Shop)) == 0


def test_garbage_in_every_field_is_a_4xx_never_a_500(client, signed_in_admin):
    for url in ("/admin/shops/new", "/admin/areas/new", "/admin/users/new"):
        long = post_form(client, url, {name: "x" * 5000 for name in GOOD_SHOP} | {"role": "x" * 999})
        nul = post_form(client, url, {name: "\x00" + "x" * 50 for name in GOOD_SHOP})
        assert long.status_code == 422, url
        assert nul.status_code == 400, url
    assert client.get("/admin/shops?page=abc&q=" + "%" * 300).status_code == 200
    assert client.get("/admin/shops?page=99999").status_code == 200
    assert client.get("/admin/shops?q=%00").status_code == 400
    assert client.get("/admin/audit?actor=%00&action=%00").status_code == 400
    assert client.get("/admin/shops/ZZ%00").status_code == 400
    assert client.get("/admin/shops/NOPE").status_code == 404


def test_deactivating_a_shop_ends_its_checklists_and_is_audited(client, clock, signed_in_admin):
    shop = factories.make_shop("ZZ001")
    db.session.commit()
    form = {
        **GOOD_SHOP,
        "code": "",
        "area": shop.area.code,
        "timezone": "Asia/Shanghai",
        "opens": "10:00",
        "closes": "22:00",
        "language": "zh-Hans",
        "opened_on": "2026-01-01",
        "name": shop.name,
    }
    form.pop("active")

    response = post_form(client, "/admin/shops/ZZ001", form)

    assert response.status_code == 302
    db.session.refresh(shop)
    assert not shop.active
    entry = db.session.scalar(select(AuditEntry))
    assert entry.action == "shop.deactivate" and entry.before["active"] is True and entry.after["active"] is False
    statuses = day_statuses(shop, date(2026, 11, 24), clock.now)
    assert [status.state for status in statuses] == [ChecklistState.NONE, ChecklistState.NONE]
    assert not any(status.can_submit for status in statuses)


def test_shop_list_pages_in_a_fixed_number_of_queries(client, signed_in_admin, count_queries):
    area = factories.make_area("AR")
    for n in range(3):
        factories.make_shop(f"S{n:03d}", area=area)
    db.session.commit()
    with count_queries() as few:
        assert client.get("/admin/shops").status_code == 200
    for n in range(3, 75):
        factories.make_shop(f"S{n:03d}", area=factories.make_area())
    db.session.commit()

    with count_queries() as many:
        first = client.get("/admin/shops")
    second = client.get("/admin/shops?page=2").get_data(as_text=True)

    assert len(many) == len(few)
    assert "S049" in first.get_data(as_text=True) and "S050" not in first.get_data(as_text=True)
    assert "S074" in second and "S049" not in second


def _edit_form(shop, **changes):
    form = {
        "name": shop.name,
        "area": shop.area.code,
        "timezone": "Asia/Shanghai",
        "opens": "10:00",
        "closes": "22:00",
        "language": "zh-Hans",
        "opened_on": "2026-01-01",
        "active": "y",
        "closed_on": "",
        "size_set": ", ".join(shop.sizes),
    } | changes
    return {name: value for name, value in form.items() if value is not None}


def test_a_shop_closed_on_a_past_date_owes_nothing_from_then(client, clock, signed_in_admin):
    shop = factories.make_shop("ZZ001")
    db.session.commit()

    response = post_form(client, "/admin/shops/ZZ001", _edit_form(shop, active=None, closed_on="2026-11-10"))

    assert response.status_code == 302
    db.session.refresh(shop)
    assert not shop.active and shop.closed_on == date(2026, 11, 10)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "shop.deactivate"))
    assert entry.before["closed_on"] is None and entry.after["closed_on"] == "2026-11-10"
    closed = day_statuses(shop, date(2026, 11, 15), clock.now)
    before = day_statuses(shop, date(2026, 11, 9), clock.now)
    assert [status.state for status in closed] == [ChecklistState.NONE, ChecklistState.NONE]
    assert [status.state for status in before] == [ChecklistState.MISSED, ChecklistState.MISSED]
    listing = client.get("/admin/shops", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Closed on 2026-11-10" in listing


def test_unticking_active_closes_the_shop_today_and_ticking_it_reopens(client, clock, signed_in_admin):
    shop = factories.make_shop("ZZ001")
    db.session.commit()

    post_form(client, "/admin/shops/ZZ001", _edit_form(shop, active=None))
    db.session.refresh(shop)
    closed_on = shop.closed_on
    post_form(client, "/admin/shops/ZZ001", _edit_form(shop, active="y"))
    db.session.refresh(shop)

    assert closed_on == date(2026, 11, 24)  # the shop's today
    assert shop.active and shop.closed_on is None


def test_a_bad_closing_date_is_refused_in_the_admins_language(client, clock, signed_in_admin):
    shop = factories.make_shop("ZZ001")
    db.session.commit()

    def refused(language, **changes):
        signed_in_admin.language = language  # the admin's own language wins over the browser's
        db.session.commit()
        page = post_form(client, "/admin/shops/ZZ001", _edit_form(shop, **changes))
        return page.status_code, page.get_data(as_text=True)

    while_active = refused("en", closed_on="2026-11-10")
    too_early = refused("en", active=None, closed_on="2025-12-31")
    future = refused("zh-Hant", active=None, closed_on="2026-11-25")
    garbage = refused("zh-Hans", active=None, closed_on="next week")

    assert while_active[0] == 422 and "untick Active or clear the date" in while_active[1]
    assert too_early[0] == 422 and "opened on 2026-01-01: it cannot close before that" in too_early[1]
    assert future[0] == 422 and "停業日期不能晚於店鋪的今天（2026-11-24）" in future[1]
    assert garbage[0] == 422 and "不是日期" in garbage[1]
    db.session.refresh(shop)
    assert shop.active and shop.closed_on is None


def test_an_opening_date_after_the_shops_first_checklist_is_refused_in_the_admins_language(
    client, clock, signed_in_admin
):
    shop = factories.make_shop("ZZ001")
    factories.make_submission(shop, date(2026, 11, 10), "opening", "80.0")
    db.session.commit()

    def edit(language, opened_on):
        signed_in_admin.language = language
        db.session.commit()
        page = post_form(client, "/admin/shops/ZZ001", _edit_form(shop, opened_on=opened_on))
        return page.status_code, page.get_data(as_text=True)

    later = edit("en", "2026-11-11")
    later_zh = edit("zh-Hant", "2026-11-20")
    same_day = edit("en", "2026-11-10")

    # A checklist counted as submitted but never due would make the rankings' missed negative.
    assert later[0] == 422 and "This shop has checklists from 2026-11-10" in later[1]
    assert later_zh[0] == 422 and "這家店從 2026-11-10 起已有檢查表" in later_zh[1]
    assert same_day[0] == 302
    db.session.refresh(shop)
    assert shop.opened_on == date(2026, 11, 10)
