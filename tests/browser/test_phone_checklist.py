"""A shop assistant on a 360 px phone: sign in, fill the opening checklist, see the score."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from merch.extensions import db
from merch.models import Photo, Submission
from tests import factories


def write_photos(folder: Path) -> dict[str, Path]:
    paths = {}
    for area in ("folded", "hanging", "window"):
        path = folder / f"{area}.jpg"
        path.write_bytes(factories.unique_jpeg())
        paths[area] = path
    return paths


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{base}/")


def fill_passing_opening(page, photos: dict[str, Path], first_stack: str = "5") -> None:
    stacks = page.locator("#rule-stack_count [data-row]")
    stacks.nth(0).locator("input.count").fill(first_stack)
    for _ in range(3):
        stacks.nth(1).locator("button[data-step='1']").tap()
    stacks.nth(1).locator("select").select_option("thick")
    for size in ("XL", "L", "M", "S"):
        page.locator(f"#rule-folded_size_order [data-size='{size}']").tap()
    for index, colour in enumerate(("#F5F0E6", "#C8A27A", "#3B2F2F")):
        page.locator("#rule-folded_colour_order input.hex").nth(index).fill(colour)
    for index, count in enumerate(("3", "2", "4")):
        page.locator("#rule-hang_count input.count").nth(index).fill(count)
    for size in ("S", "M", "L"):
        page.locator(f"#rule-hanging_size_order [data-size='{size}']").tap()
    for index, colour in enumerate(("#FFFFFF", "#888888", "#111111")):
        page.locator("#rule-hanging_colour_order input.hex").nth(index).fill(colour)
    for key in (
        "folded_grouping",
        "folded_mannequin",
        "same_hanger",
        "hanging_tidy",
        "window_refresh",
        "window_clean",
        "window_seasonal",
        "focal_point",
    ):
        page.locator(f"#rule-{key} .choice-yes").tap()
    for area, path in photos.items():
        page.set_input_files(f"input[name='photo.{area}']", str(path))


def test_staff_fills_the_opening_checklist_on_a_phone_and_scores_100(live_server, phone, staff, tmp_path):
    sign_in(phone, live_server, staff.username)
    phone.locator("a[href='/checklist/opening']").tap()

    fill_passing_opening(phone, write_photos(tmp_path))
    assert phone.locator("#area-folded [data-previews] img").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    phone.locator("button[data-submit]").tap()
    phone.wait_for_url("**/submissions/*")

    assert phone.locator(".result .score").inner_text() == "100.0"
    assert phone.locator(".item.fail").count() == 0
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 1
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 3


def test_a_refused_answer_keeps_every_photo_and_answer_on_the_page(live_server, phone, staff, tmp_path):
    sign_in(phone, live_server, staff.username)
    phone.goto(f"{live_server}/checklist/opening")
    fill_passing_opening(phone, write_photos(tmp_path), first_stack="500")

    phone.locator("button[data-submit]").tap()
    error = phone.locator("#rule-stack_count .error")
    error.wait_for()

    assert "500" not in error.inner_text() and "200" in error.inner_text()  # "stack 1: … 0 to 200"
    assert phone.url.endswith("/checklist/opening")
    files = phone.evaluate("document.querySelector(\"input[name='photo.window']\").files.length")
    assert files == 1
    assert phone.locator("#rule-folded_size_order input.sizes").input_value() == "XL, L, M, S"

    phone.locator("#rule-stack_count input.count").first.fill("5")
    phone.locator("button[data-submit]").tap()
    phone.wait_for_url("**/submissions/*")
    assert phone.locator(".result .score").inner_text() == "100.0"


def test_submitting_with_open_items_asks_first_and_cancel_sends_nothing(live_server, phone, staff):
    sign_in(phone, live_server, staff.username)
    phone.goto(f"{live_server}/checklist/opening")
    phone.locator("#rule-focal_point .choice-yes").tap()
    questions: list[str] = []

    def decline(dialog) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    phone.on("dialog", decline)
    phone.locator("button[data-submit]").tap()
    phone.wait_for_timeout(300)

    assert len(questions) == 1
    assert "13" in questions[0] and "3" in questions[0]  # 13 items unanswered, 3 photos missing
    assert phone.url.endswith("/checklist/opening")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 0
