"""Bulk import (api.md "History and bulk data"): all rows or none, re-import updates."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import func, select

from merch.directory import FileRefused, decode_csv, parse_csv
from merch.extensions import db
from merch.models import ApiToken, Area, AuditEntry, Shop, User
from tests import factories

SHOPS = (
    "code,name,area,timezone,opens,closes,language,opened_on\n"
    "TP001,台北信義店,TW-TP,Asia/Taipei,11:00,21:30,zh-Hant,2026-02-01\n"
    "ZZ009,郑州新店,HN-ZZ,Asia/Shanghai,10:00,22:00,zh-Hans,2026/3/5\n"
)
USERS = (
    "username,name,role,shop,area,language,password\n"
    "tpstaff,林小姐,staff,TP001,,zh-Hant,first-pass-1\n"
    "tpsuper,陳督導,supervisor,,TW-TP,,first-pass-2\n"
    "boss,Boss,admin,,,en,first-pass-3\n"
)


@pytest.fixture
def write_file(tmp_path):
    def write(name, data):
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_shops_file_creates_shops_and_their_areas(runner, write_file):
    path = write_file("shops.csv", SHOPS.encode())

    result = runner.invoke(args=["import", str(path)])

    assert result.exit_code == 0, result.output
    assert "2 created" in result.output
    shop = db.session.scalar(select(Shop).where(Shop.code == "TP001"))
    assert shop.area.code == "TW-TP" and shop.timezone == "Asia/Taipei" and shop.language == "zh-Hant"
    assert (shop.opens_at, shop.closes_at, shop.opened_on) == (time(11), time(21, 30), date(2026, 2, 1))
    assert db.session.scalar(select(Shop.opened_on).where(Shop.code == "ZZ009")) == date(2026, 3, 5)
    assert set(db.session.scalars(select(Area.code))) == {"TW-TP", "HN-ZZ"}
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions.count("shop.create") == 2 and actions.count("area.create") == 2 and actions[-1] == "import.run"
    assert all(entry.actor_name == "cli" for entry in db.session.scalars(select(AuditEntry)))


def test_users_file_creates_users_who_can_sign_in(runner, client, write_file):
    runner.invoke(args=["import", str(write_file("shops.csv", SHOPS.encode()))])

    result = runner.invoke(args=["import", str(write_file("users.csv", USERS.encode()))])

    assert result.exit_code == 0, result.output
    users = {user.username: user for user in db.session.scalars(select(User))}
    assert users["tpstaff"].shop.code == "TP001" and users["tpstaff"].language == "zh-Hant"
    assert users["tpsuper"].area.code == "TW-TP" and users["tpsuper"].language is None
    assert users["boss"].role == "admin"
    login = client.post("/api/v1/login", json={"username": "tpsuper", "password": "first-pass-2"})
    assert login.status_code == 200


def test_one_bad_row_imports_nothing_and_names_its_line(runner, write_file):
    bad = SHOPS + "XX001,Bad shop,TW-TP,Asia/Shangai,10:00,22:00,zh-Hant,2026-02-01\n"

    result = runner.invoke(args=["import", str(write_file("shops.csv", bad.encode()))])

    assert result.exit_code != 0
    assert "line 4, timezone: “Asia/Shangai” is not a time zone name" in result.output
    assert "1 bad row: nothing was imported." in result.output
    assert count(Shop) == 0 and count(Area) == 0 and count(AuditEntry) == 0


def test_every_bad_row_is_reported_in_the_chosen_language(runner, write_file):
    bad = (
        "code,name,area,timezone,opens,closes,language,opened_on\n"
        "A1,Shop,AR,Asia/Shanghai,22:00,10:00,zh-Hans,2026-01-01\n"
        "A2,Shop,AR,Asia/Shanghai,10:00,22:00,fr,2026-13-01\n"
        "A1,Shop,AR,Asia/Shanghai,10:00,22:00,zh-Hans,2026-01-01\n"
        "A3,Shop\n"
    )

    result = runner.invoke(args=["import", str(write_file("s.csv", bad.encode())), "--language", "zh-Hant"])

    assert result.exit_code != 0
    lines = result.output.splitlines()
    assert any(line.startswith("第 2 行，closes") for line in lines), result.output
    assert any(line.startswith("第 3 行，language") for line in lines)
    assert any(line.startswith("第 3 行，opened_on") for line in lines)
    assert any(line.startswith("第 4 行，code") and "第 2 行" in line for line in lines)
    assert any(line.startswith("第 5 行：") for line in lines)
    assert count(Shop) == 0


def test_user_rows_are_checked_against_the_database(runner, write_file):
    runner.invoke(args=["import", str(write_file("shops.csv", SHOPS.encode()))])
    bad = (
        "username,name,role,shop,area,language,password\n"
        "a,A,staff,NOPE,,,long-enough-1\n"
        "b,B,staff,TP001,HN-ZZ,,long-enough-1\n"
        "c,C,staff,TP001,,,\n"
        "d,D,supervisor,TP001,TW-TP,,long-enough-1\n"
        "e,E,staff,TP001,,,short\n"
        "f,F,cashier,,,,long-enough-1\n"
        "g,G,staff,TP001,TW-TP,,long-enough-1\n"
    )

    result = runner.invoke(args=["import", str(write_file("u.csv", bad.encode()))])

    assert "line 2, shop: There is no shop NOPE." in result.output
    assert "line 3, area: Shop TP001 is in area TW-TP, not HN-ZZ" in result.output
    assert "line 4, password: A new user needs a password." in result.output
    assert "line 5, shop: Only staff belong to a shop." in result.output
    assert "line 6, password: The password needs at least 8 characters." in result.output
    assert "line 7, role: “cashier” is not a role" in result.output
    assert "line 8" not in result.output
    assert "6 bad rows" in result.output
    assert count(User) == 0


def test_reimport_updates_rather_than_duplicates(runner, client, write_file):
    runner.invoke(args=["import", str(write_file("shops.csv", SHOPS.encode()))])
    runner.invoke(args=["import", str(write_file("users.csv", USERS.encode()))])
    headers = {
        "Authorization": "Bearer "
        + client.post("/api/v1/login", json={"username": "tpstaff", "password": "first-pass-1"}).get_json()["token"]
    }
    changed_shops = SHOPS.replace("台北信義店", "台北101店").replace("11:00", "10:30")
    changed_users = USERS.replace("first-pass-1", "second-pass-1")

    shops_again = runner.invoke(args=["import", str(write_file("shops.csv", changed_shops.encode()))])
    users_again = runner.invoke(args=["import", str(write_file("users.csv", changed_users.encode()))])

    assert "0 created, 1 updated, 1 unchanged" in shops_again.output
    assert "0 created, 1 updated, 2 unchanged" in users_again.output
    assert count(Shop) == 2 and count(User) == 3
    shop = db.session.scalar(select(Shop).where(Shop.code == "TP001"))
    assert shop.name == "台北101店" and shop.opens_at == time(10, 30)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "shop.update"))
    assert entry.before["name"] == "台北信義店" and entry.after["name"] == "台北101店"
    user_entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.update"))
    assert user_entry.after["password"] == "changed" and "second-pass-1" not in str(user_entry.after)
    assert client.get("/api/v1/checklist?shift=opening", headers=headers).status_code == 401
    assert client.post("/api/v1/login", json={"username": "tpstaff", "password": "second-pass-1"}).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(ApiToken).where(ApiToken.revoked_at.is_(None))) == 1


def test_dry_run_reports_and_writes_nothing(runner, write_file):
    result = runner.invoke(args=["import", str(write_file("shops.csv", SHOPS.encode())), "--dry-run"])

    assert result.exit_code == 0
    assert "all 2 rows are good; 2 would be created, 0 updated" in result.output
    assert count(Shop) == 0 and count(Area) == 0 and count(AuditEntry) == 0


def test_excel_utf8_with_bom_and_crlf_is_read():
    data = ("\ufeff" + SHOPS.replace("\n", "\r\n") + ",,,,,,,\r\n").encode("utf-8")

    parsed = parse_csv(data)

    assert parsed.kind == "shops" and not parsed.errors
    assert [row.name for row in parsed.shops] == ["台北信義店", "郑州新店"]


def test_chinese_excel_gb18030_is_read(runner):
    data = USERS.replace("林小姐", "李导购").encode("gb18030")

    parsed = parse_csv(data)

    assert decode_csv(data) == USERS.replace("林小姐", "李导购")
    assert parsed.users[0].name == "李导购"


def test_a_file_in_neither_encoding_or_with_a_wrong_header_is_refused(runner, write_file):
    for data, code in (
        (b"\xff\xfe" + "code".encode("utf-16-le"), "bad_encoding"),
        (b"", "empty_file"),
        (b"name,code\nx,y\n", "bad_header"),
        (SHOPS.splitlines()[0].encode(), "no_rows"),
    ):
        try:
            parse_csv(data)
        except FileRefused as refused:
            assert refused.code == code, data
        else:
            raise AssertionError(f"{data!r} was accepted")

    result = runner.invoke(args=["import", str(write_file("x.csv", b"name,code\nx,y\n"))])
    assert result.exit_code != 0 and "The first line must be the header" in result.output


def test_passwords_are_hashed_with_no_transaction_open(runner, write_file, monkeypatch):
    # A writing transaction holds SQLite's write lock: 1,500 hashes must not run inside one.
    from merch.services import imports

    runner.invoke(args=["import", str(write_file("shops.csv", SHOPS.encode()))])
    seen = []
    original = imports._parallel

    def watched(function, items):
        seen.append(db.session().in_transaction())
        return original(function, items)

    monkeypatch.setattr(imports, "_parallel", watched)

    result = runner.invoke(args=["import", str(write_file("users.csv", USERS.encode()))])

    assert result.exit_code == 0, result.output
    assert seen == [False]


def test_reimport_cannot_move_a_shops_opening_after_its_first_checklist(runner, write_file):
    runner.invoke(args=["import", str(write_file("shops.csv", SHOPS.encode()))])
    shop = db.session.scalar(select(Shop).where(Shop.code == "TP001"))
    factories.make_submission(shop, date(2026, 2, 3), "closing", "90.0")
    db.session.commit()
    later = SHOPS.replace("zh-Hant,2026-02-01", "zh-Hant,2026-03-01")

    result = runner.invoke(args=["import", str(write_file("later.csv", later.encode()))])

    assert result.exit_code != 0
    assert "line 2, opened_on: This shop has checklists from 2026-02-03" in result.output
    assert db.session.scalar(select(Shop.opened_on).where(Shop.code == "TP001")) == date(2026, 2, 1)
    new_shop = SHOPS.splitlines()[0] + "\nTP002,新店,TW-TP,Asia/Taipei,11:00,21:30,zh-Hant,2026-03-01\n"
    assert runner.invoke(args=["import", str(write_file("new.csv", new_shop.encode()))]).exit_code == 0
