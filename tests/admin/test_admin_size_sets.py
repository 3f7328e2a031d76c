"""The shop's size set: set on the shop admin page or by import, kept by the migration's default."""

from __future__ import annotations

from sqlalchemy import select

from merch.extensions import db
from merch.models import AuditEntry, Shop
from tests import factories
from tests.admin.conftest import post_form

FORM = {
    "name": "郑州二七店",
    "area": "",
    "timezone": "Asia/Shanghai",
    "opens": "10:00",
    "closes": "22:00",
    "language": "zh-Hans",
    "opened_on": "2026-01-01",
    "active": "y",
}


def test_a_new_shop_has_the_default_set_and_the_admin_page_shows_it(client, signed_in_admin):
    shop = factories.make_shop("ZZ001")
    db.session.commit()

    assert shop.sizes == ("XS", "S", "M", "L", "XL", "XXL", "3XL", "F")
    page = client.get("/admin/shops/ZZ001").get_data(as_text=True)
    assert 'value="XS, S, M, L, XL, XXL, 3XL, F"' in page


def test_the_admin_sets_a_shops_sizes_in_order_and_it_is_audited(client, signed_in_admin):
    shop = factories.make_shop("ZZ001")
    db.session.commit()

    response = post_form(
        client, "/admin/shops/ZZ001", {**FORM, "area": shop.area.code, "size_set": "90，100、XS/S, M/L"}
    )

    assert response.status_code == 302
    db.session.refresh(shop)
    assert shop.sizes == ("90", "100", "XS/S", "M/L")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "shop.update")).one()
    assert entry.after["sizes"] == "90, 100, XS/S, M/L"


def test_a_set_out_of_order_is_refused_next_to_its_field_in_the_admins_language(client, signed_in_admin):
    signed_in_admin.language = "zh-Hant"
    shop = factories.make_shop("ZZ001")
    db.session.commit()

    response = post_form(client, "/admin/shops/ZZ001", {**FORM, "area": shop.area.code, "size_set": "S, L, M"})

    assert response.status_code == 422
    assert "「M」排在「L」之後卻比它小" in response.get_data(as_text=True)
    db.session.refresh(shop)
    assert shop.sizes[0] == "XS"


def test_the_import_takes_an_optional_sizes_column_and_keeps_a_set_without_it(runner, tmp_path):
    with_sizes = tmp_path / "with.csv"
    with_sizes.write_text(
        "code,name,area,timezone,opens,closes,language,opened_on,sizes\n"
        'TP001,台北信義店,TW-TP,Asia/Taipei,11:00,21:30,zh-Hant,2026-02-01,"S,M,L"\n'
        "TP002,台北東區店,TW-TP,Asia/Taipei,11:00,21:30,zh-Hant,2026-02-01,\n",
        encoding="utf-8",
    )
    without = tmp_path / "without.csv"
    without.write_text(
        "code,name,area,timezone,opens,closes,language,opened_on\n"
        "TP001,台北信義店,TW-TP,Asia/Taipei,11:00,22:00,zh-Hant,2026-02-01\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "code,name,area,timezone,opens,closes,language,opened_on,sizes\n"
        "TP003,台北,TW-TP,Asia/Taipei,11:00,21:30,zh-Hant,2026-02-01,L;M\n",
        encoding="utf-8",
    )

    first = runner.invoke(args=["import", str(with_sizes)])
    second = runner.invoke(args=["import", str(without)])
    refused = runner.invoke(args=["import", str(bad)])

    assert first.exit_code == 0 and second.exit_code == 0, (first.output, second.output)
    sizes = {code: size_set for code, size_set in db.session.execute(select(Shop.code, Shop.size_set))}
    assert sizes == {"TP001": "S,M,L", "TP002": "XS,S,M,L,XL,XXL,3XL,F"}
    assert refused.exit_code != 0
    assert "line 2, sizes" in refused.output and "“M” comes after “L”" in refused.output
