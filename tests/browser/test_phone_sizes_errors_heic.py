"""The phone checklist, continued: the shop's sizes, every refusal at once, asking before
leaving with unsaved changes, and a preview of an iPhone's HEIC photo in any browser."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select

from merch.extensions import db
from merch.models import Photo
from tests.browser.test_phone_checklist import (
    FOLDED_BANDS,
    band_photo,
    multipart_parts,
    sign_in,
    submissions,
    take_photo,
    yes,
)

# Set to a folder to keep the screenshots the last test takes (360 and 1280 px, each language).
SCREENSHOTS = os.environ.get("MERCH_SCREENSHOT_DIR")


def chips(page: Any, key: str) -> list[str]:
    return page.locator(f"#rule-{key} [data-sizes] .chip").all_inner_texts()


def tap_size(page: Any, key: str, size: str) -> None:
    page.locator(f"#rule-{key} [data-sizes] .chip", has_text=re.compile(f"^{re.escape(size)}$")).tap()


def other_size(page: Any, key: str, size: str) -> None:
    details = page.locator(f"#rule-{key} details.other")
    if not details.evaluate("node => node.open"):
        details.locator("summary").tap()
    page.fill(f"#rule-{key} [data-other-size]", size)
    page.locator(f"#rule-{key} [data-add-other]").tap()


def test_the_shops_own_sizes_are_offered_in_order_and_scored_by_it(live_server, phone, shop, staff, tmp_path):
    shop.size_set = "XS/S,M/L,XL/XXL,F"
    db.session.commit()
    sign_in(phone, live_server, staff.username)
    phone.on("dialog", lambda dialog: dialog.accept())
    phone.goto(f"{live_server}/checklist/opening")
    phone.locator("form.ready").wait_for()

    assert chips(phone, "folded_size_order") == ["XS/S", "M/L", "XL/XXL", "F"]
    take_photo(phone, "folded", band_photo(tmp_path / "folded.jpg", FOLDED_BANDS))
    take_photo(phone, "hanging", band_photo(tmp_path / "hanging.jpg", FOLDED_BANDS))
    for size in ("XL/XXL", "M/L", "XS/S"):
        tap_size(phone, "folded_size_order", size)
    for size in ("M/L", "XS/S"):  # wrong way round on the rail
        tap_size(phone, "hanging_size_order", size)
    phone.locator("button[data-submit]").tap()
    phone.wait_for_url("**/submissions/*")

    page = phone.locator("main").inner_text()
    assert "M/L" in page and "XS/S" in page  # the hanging rail's reason names both sizes
    assert "XL/XXL" not in page  # the folded stack, large to small by the set, passed
    assert submissions() == 1


def test_every_refusal_of_the_server_is_shown_at_once_next_to_its_field(live_server, phone, staff, tmp_path):
    sign_in(phone, live_server, staff.username)
    phone.on("dialog", lambda dialog: dialog.accept())
    phone.goto(f"{live_server}/checklist/opening")
    phone.locator("form.ready").wait_for()
    tap_size(phone, "folded_size_order", "XL")
    other_size(phone, "folded_size_order", "QQ")
    tap_size(phone, "hanging_size_order", "S")
    other_size(phone, "hanging_size_order", "ZZ9")

    phone.locator("button[data-submit]").tap()
    phone.locator("#rule-hanging_size_order [data-error]").wait_for()

    assert "QQ" in phone.locator("#rule-folded_size_order [data-error]").inner_text()
    assert "ZZ9" in phone.locator("#rule-hanging_size_order [data-error]").inner_text()
    assert phone.locator(".invalid").count() == 2
    assert submissions() == 0


def test_leaving_with_changes_not_yet_saved_asks_first(live_server, phone, staff):
    sign_in(phone, live_server, staff.username)
    phone.goto(f"{live_server}/checklist/opening")
    phone.locator("form.ready").wait_for()
    # The phone's storage refuses the write (full, or a private window): nothing is saved.
    phone.evaluate("() => { window.MerchStore.put = () => Promise.reject(new Error('quota')); }")
    yes(phone, "folded_grouping")

    with phone.expect_event("dialog") as asked:
        phone.close(run_before_unload=True)

    assert asked.value.type == "beforeunload"
    asked.value.dismiss()  # stay
    assert not phone.is_closed()
    assert phone.locator("#rule-folded_grouping .toggle.yes").get_attribute("aria-pressed") == "true"


def test_leaving_once_the_draft_is_saved_on_the_phone_does_not_ask(live_server, phone, staff):
    sign_in(phone, live_server, staff.username)
    phone.goto(f"{live_server}/checklist/opening")
    phone.locator("form.ready").wait_for()
    asked: list[str] = []
    phone.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    yes(phone, "folded_grouping")
    phone.locator("[data-saved]").wait_for()

    with phone.expect_event("close"):
        phone.close(run_before_unload=True)

    assert asked == []


def test_a_heic_photo_is_previewed_and_goes_up_as_a_small_jpeg(live_server, phone, staff, tmp_path):
    from pillow_heif import register_heif_opener

    from tests.images import encoded, marked_image

    register_heif_opener()
    heic = tmp_path / "IMG_0001.HEIC"
    heic.write_bytes(encoded(marked_image(4032, 3024), "HEIF", quality=60))
    previews: list[str] = []
    uploads: list[tuple[str | None, bytes]] = []

    def capture(route: Any) -> None:
        uploads.extend(multipart_parts(route.request).get("photo.folded", []))
        route.continue_()

    sign_in(phone, live_server, staff.username)
    phone.on("request", lambda request: previews.append(request.url) if "/photos/preview" in request.url else None)
    phone.route("**/api/v1/submissions", capture)
    phone.on("dialog", lambda dialog: dialog.accept())
    phone.goto(f"{live_server}/checklist/opening")
    take_photo(phone, "folded", heic)

    preview = phone.locator("#photo-folded [data-previews] img")
    preview.wait_for()
    assert preview.evaluate("img => img.complete && img.naturalWidth") == 1600
    assert phone.locator("#photo-folded .no-preview").count() == 0
    # With a photo that shows, the eyedropper works on it as on any other.
    assert phone.locator("#rule-folded_colour_order [data-picker]").is_visible()
    yes(phone, "folded_grouping")
    phone.locator("button[data-submit]").tap()
    phone.wait_for_url("**/submissions/*")

    assert len(previews) == 1
    ((name, body),) = uploads
    assert name.endswith(".jpg")
    image = Image.open(io.BytesIO(body))
    assert image.format == "JPEG" and image.size == (1600, 1200) and len(body) <= 400_000
    db.session.rollback()
    stored = db.session.scalars(select(Photo).where(Photo.area == "folded")).all()
    assert [photo.source_format for photo in stored] == ["JPEG"]


@pytest.mark.parametrize("language", ["zh-Hant", "zh-Hans", "en"])
def test_sizes_errors_and_heic_preview_fit_360_and_1280_px(live_server, phone, shop, staff, tmp_path, language):
    from pillow_heif import register_heif_opener

    from tests.images import encoded, marked_image

    register_heif_opener()
    shop.size_set = "XXS,XS,S,M,L,XL,XXL,3XL,4XL,F"
    staff.language = language
    db.session.commit()
    heic = tmp_path / "IMG_0003.HEIC"
    heic.write_bytes(encoded(marked_image(1200, 900), "HEIF", quality=70))
    sign_in(phone, live_server, staff.username)
    phone.on("dialog", lambda dialog: dialog.accept())
    phone.goto(f"{live_server}/checklist/opening")
    take_photo(phone, "folded", heic)
    phone.locator("#photo-folded [data-previews] img").wait_for()
    tap_size(phone, "folded_size_order", "4XL")
    other_size(phone, "folded_size_order", "QQ")
    tap_size(phone, "hanging_size_order", "S")
    other_size(phone, "hanging_size_order", "ZZ9")
    phone.locator("button[data-submit]").tap()
    phone.locator("#rule-folded_size_order [data-error]").wait_for()

    assert phone.locator("html").get_attribute("lang") == language
    assert chips(phone, "folded_size_order")[-2:] == ["4XL", "F"]
    for width in (360, 1280):
        phone.set_viewport_size({"width": width, "height": 900})
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), width
        if SCREENSHOTS:
            folder = Path(SCREENSHOTS)
            folder.mkdir(parents=True, exist_ok=True)
            for part, selector in (("photo", "#photo-folded"), ("sizes", "#rule-folded_size_order")):
                phone.locator(selector).evaluate("node => node.scrollIntoView({block: 'start'})")
                phone.evaluate("() => window.scrollBy(0, -80)")  # below the fixed top bar
                phone.screenshot(path=str(folder / f"checklist-{language}-{width}-{part}.png"))
