"""The import page (upload, every bad row, all or nothing) and the audit log page and export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from merch import create_app
from merch.admin.audit import safe_cell
from merch.extensions import db
from merch.models import AuditEntry, Shop
from merch.services.audit import day_range, record_change
from tests.conftest import csrf_from

SHOPS = (
    "code,name,area,timezone,opens,closes,language,opened_on\n"
    "ZZ101,郑州一店,HN-ZZ,Asia/Shanghai,10:00,22:00,zh-Hans,2026-02-01\n"
    "ZZ102,郑州二店,HN-ZZ,Asia/Shanghai,10:00,22:00,zh-Hans,2026-02-01\n"
)


def upload(client, data: bytes, dry_run: bool = False, filename: str = "shops.csv"):
    token = csrf_from(client.get("/admin/import").get_data(as_text=True))
    form = {"csrf_token": token, "file": (io.BytesIO(data), filename)}
    if dry_run:
        form["dry_run"] = "y"
    return client.post("/admin/import", data=form, content_type="multipart/form-data")


def test_uploaded_gb18030_file_is_imported_and_summarised(client, signed_in_admin):
    response = upload(client, SHOPS.encode("gb18030"))

    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Imported 2 rows: 2 created, 0 updated, 0 unchanged." in body and "Areas created: HN-ZZ" in body
    assert db.session.scalar(select(Shop.name).where(Shop.code == "ZZ101")) == "郑州一店"
    run = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "import.run"))
    assert run.actor_name == "boss" and run.target == "shops.csv" and run.after["created"] == 2


def test_uploaded_file_with_a_bad_row_imports_nothing_and_lists_it_in_the_admins_language(client, signed_in_admin):
    signed_in_admin.language = "zh-Hant"
    db.session.commit()
    bad = "\ufeff" + SHOPS + "ZZ103,三店,HN-ZZ,Asia/Shanghai,25:00,22:00,zh-Hans,2026-02-01\n"

    response = upload(client, bad.encode("utf-8"))

    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "第 4 行，opens：「25:00」不是時間" in body
    assert db.session.scalar(select(func.count()).select_from(Shop)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_upload_dry_run_changes_nothing(client, signed_in_admin):
    response = upload(client, SHOPS.encode(), dry_run=True)

    assert response.status_code == 200
    assert "2 would be created" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Shop)) == 0


def test_unreadable_or_missing_file_is_a_clear_4xx(client, signed_in_admin):
    not_csv = upload(client, b"\x89PNG\r\n\x1a\n\x00\x00", filename="photo.png")
    token = csrf_from(client.get("/admin/import").get_data(as_text=True))
    missing = client.post("/admin/import", data={"csrf_token": token}, content_type="multipart/form-data")

    assert not_csv.status_code == 422 and "This file is not a CSV file." in not_csv.get_data(as_text=True)
    assert missing.status_code == 422 and "Choose a CSV file to import." in missing.get_data(as_text=True)


def add_entries(admin):
    record_change(
        actor=admin,
        action="shop.create",
        target_type="shop",
        target="ZZ001",
        before=None,
        after={"name": '=HYPERLINK("http://evil")'},
        now=datetime(2026, 11, 20, 3, tzinfo=UTC),
    )
    record_change(
        actor=None,
        action="area.update",
        target_type="area",
        target="@HN",
        before={"name": "a"},
        after={"name": "b"},
        now=datetime(2026, 11, 23, 3, tzinfo=UTC),
    )
    db.session.commit()


def test_audit_page_filters_by_action_actor_and_date(client, signed_in_admin):
    add_entries(signed_in_admin)

    everything = client.get("/admin/audit").get_data(as_text=True)
    by_action = client.get("/admin/audit?action=area.update").get_data(as_text=True)
    by_actor = client.get("/admin/audit?actor=boss").get_data(as_text=True)
    by_date = client.get("/admin/audit?date_from=2026-11-21&date_to=2026-11-23").get_data(as_text=True)
    bad_date = client.get("/admin/audit?date_from=yesterday")

    assert "ZZ001" in everything and "@HN" in everything
    assert "@HN" in by_action and "ZZ001" not in by_action
    assert "ZZ001" in by_actor and "@HN" not in by_actor
    assert "@HN" in by_date and "ZZ001" not in by_date
    assert bad_date.status_code == 400 and "“yesterday” is not a date" in bad_date.get_data(as_text=True)


def test_audit_export_is_utf8_with_bom_and_neutralises_formulas(client, signed_in_admin):
    add_entries(signed_in_admin)

    response = client.get("/admin/audit.csv")

    raw = response.get_data()
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert raw.startswith(b"\xef\xbb\xbf") and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["at", "actor", "action", "target_type", "target", "before", "after"]
    assert rows[1][1:5] == ["cli", "area.update", "area", "'@HN"]
    # In the brand's time zone (BRAND_TIMEZONE, Asia/Shanghai), with its offset.
    assert rows[2][0] == "2026-11-20T11:00:00+08:00" and rows[2][6].startswith('{"name": "=HYPERLINK')
    assert len(rows) == 3


def test_only_formula_like_cells_are_changed():
    assert [safe_cell(value) for value in ("=1+1", "+86", "-3", "@x", "\tx", "ok", "台北")] == [
        "'=1+1",
        "'+86",
        "'-3",
        "'@x",
        "'\tx",
        "ok",
        "台北",
    ]


def test_audit_list_pages_in_a_fixed_number_of_queries(client, signed_in_admin, count_queries):
    add_entries(signed_in_admin)
    with count_queries() as few:
        client.get("/admin/audit")
    for n in range(80):
        record_change(
            actor=signed_in_admin,
            action="user.update",
            target_type="user",
            target=f"u{n}",
            before={"name": "a"},
            after={"name": "b"},
            now=datetime(2026, 11, 22, tzinfo=UTC),
        )
    db.session.commit()

    with count_queries() as many:
        page = client.get("/admin/audit").get_data(as_text=True)

    assert len(many) == len(few)
    assert "u79" in page and "u0<" not in page and "Page 1 of 2" in page


def test_a_hostile_file_name_is_kept_printable_in_the_audit_log(client, signed_in_admin):
    response = upload(client, SHOPS.encode(), filename="sh\tops\u200b" + "x" * 300 + ".csv")

    assert response.status_code == 200
    target = db.session.scalar(select(AuditEntry.target).where(AuditEntry.action == "import.run"))
    assert target.startswith("shopsxxx") and len(target) == 120


def test_audit_dates_and_times_are_the_brands_across_a_utc_date_boundary(client, signed_in_admin):
    # 17:30 UTC on the 23rd is 01:30 on the 24th in Shanghai, the brand's time zone.
    record_change(
        actor=signed_in_admin,
        action="area.update",
        target_type="area",
        target="LATE",
        before={"name": "a"},
        after={"name": "b"},
        now=datetime(2026, 11, 23, 17, 30, tzinfo=UTC),
    )
    db.session.commit()

    on_24th = client.get("/admin/audit?date_from=2026-11-24&date_to=2026-11-24", headers={"Accept-Language": "en"})
    on_23rd = client.get("/admin/audit?date_from=2026-11-23&date_to=2026-11-23").get_data(as_text=True)
    exported = client.get("/admin/audit.csv?date_from=2026-11-24").get_data().decode("utf-8-sig")

    page = on_24th.get_data(as_text=True)
    assert "LATE" in page and "2026-11-24 01:30:00" in page
    assert "time zone, Asia/Shanghai" in page
    assert "LATE" not in on_23rd
    assert "2026-11-24T01:30:00+08:00" in exported


def test_audit_day_range_follows_the_zones_clock_changes():
    new_york = ZoneInfo("America/New_York")

    # 2026-11-01 is the day New York leaves daylight saving time: 25 hours long.
    first, after = day_range(date(2026, 11, 1), date(2026, 11, 1), new_york)

    assert first == datetime(2026, 11, 1, 4, tzinfo=UTC) and after == datetime(2026, 11, 2, 5, tzinfo=UTC)
    assert day_range(None, None, new_york) == (None, None)


def test_a_brand_time_zone_that_names_no_zone_is_refused():
    with pytest.raises(RuntimeError, match="BRAND_TIMEZONE"):
        create_app({"TESTING": True, "SECRET_KEY": "r" * 40, "BRAND_TIMEZONE": "Mars/Olympus"})
