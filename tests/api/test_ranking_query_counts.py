"""The rankings, trend and export calls run a fixed number of statements, whatever the
number of shops and days (the pages' counts: tests/web/test_ranking_pages.py)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from merch.extensions import db
from tests import factories
from tests.conftest import api_login

TODAY = date(2026, 11, 24)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def add_shops(area, count: int, start: int, days: int) -> None:
    for number in range(start, start + count):
        shop = factories.make_shop(code=f"ZZ{number:03d}", area=area)
        for day in range(1, days + 1):
            factories.make_submission(shop, days_ago(day), "opening", "80.0", failed=("stack_count",))
            factories.make_submission(shop, days_ago(day), "closing", "60.0", late=day % 2 == 0)
    db.session.commit()


# (few, many): the second reads more days as well as more shops.
CALLS = [
    ("/api/v1/rankings?days=7", "/api/v1/rankings?days=90"),
    ("/api/v1/rankings?days=7&area={area}", "/api/v1/rankings?days=365&area={area}"),
    ("/api/v1/rankings?from=2026-11-20&to=2026-11-23", "/api/v1/rankings?from=2026-01-01&to=2026-11-23"),
    ("/api/v1/stores/ZZ001/trend?days=7", "/api/v1/stores/ZZ001/trend?days=365"),
    (
        "/api/v1/export?from=2026-11-22&to=2026-11-23&area={area}",
        "/api/v1/export?from=2026-11-01&to=2026-11-23&area={area}",
    ),
    ("/api/v1/export?from=2026-11-22&to=2026-11-23", "/api/v1/export?from=2026-11-01&to=2026-11-23"),
]


@pytest.mark.parametrize(("few_url", "many_url"), CALLS)
def test_each_call_makes_the_same_number_of_statements_for_few_and_many(client, count_queries, shop, few_url, many_url):
    factories.make_submission(shop, days_ago(1), "opening", "90.0", failed=("hang_count",))
    add_shops(shop.area, 1, start=2, days=2)
    factories.make_user("admin", username="boss")
    db.session.commit()
    headers = {**api_login(client, "boss"), "Accept-Language": "en"}
    area = shop.area.code

    def statements(url: str) -> list[str]:
        assert client.get(url.format(area=area), headers=headers).status_code == 200  # warm up
        with count_queries() as counted:
            response = client.get(url.format(area=area), headers=headers)
            assert response.status_code == 200
            response.get_data()  # the export is streamed: its queries run while it is read
        return counted

    few = statements(few_url)
    add_shops(shop.area, 6, start=10, days=12)
    factories.make_shop(code="LY001")  # another area's shop
    db.session.commit()
    many = statements(many_url)

    assert len(many) == len(few), (few, many)
    assert len(few) <= 10


def test_the_exports_rows_are_what_one_csv_writerow_per_row_gives(client, shop):
    """Rows are joined from rendered pieces; quoting must still be csv.writer's exactly."""
    factories.make_submission(shop, days_ago(1), "opening", "90.0", failed=("hang_count", "stack_count"))
    factories.make_submission(shop, days_ago(1), "closing", "60.0", late=True, failed=("hang_count",))
    shop.name = 'Shop "one", 旗舰店\nupstairs'
    factories.make_user("admin", username="boss")
    db.session.commit()

    response = client.get(
        "/api/v1/export?from=2026-11-22&to=2026-11-23", headers={**api_login(client, "boss"), "Accept-Language": "en"}
    )

    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    again = io.StringIO()
    csv.writer(again, lineterminator="\r\n").writerows(rows)
    assert again.getvalue() == text[1:]
    assert len(rows) == 1 + 3 + 2 and all(len(row) == 18 for row in rows)
    assert rows[1][1] == 'Shop "one", 旗舰店\nupstairs'
