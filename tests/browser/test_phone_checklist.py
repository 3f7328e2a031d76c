"""A shop assistant on a 360 px phone: sign in, fill the opening checklist, see the score."""

from __future__ import annotations

import io
import random
import re
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy import func, select

from merch.extensions import db
from merch.models import Photo, Submission
from tests import factories

# Three garments, outside in, light to dark: what the eyedropper should read off the photo.
FOLDED_BANDS = ((245, 240, 230), (200, 162, 122), (59, 47, 47))
HANGING_BANDS = ((250, 250, 250), (136, 136, 136), (17, 17, 17))
TOUCHES = "window.__touches = 0; addEventListener('pointerdown', () => { window.__touches += 1; }, true);"


def band_photo(path: Path, bands: tuple[tuple[int, int, int], ...], size: tuple[int, int] = (600, 400)) -> Path:
    """A photo of garments side by side, one colour band each, unique by a few random pixels."""
    image = Image.new("RGB", size)
    width = size[0] // len(bands)
    for index, colour in enumerate(bands):
        image.paste(colour, (index * width, 0, (index + 1) * width, size[1]))
    for _ in range(20):
        image.putpixel((random.randrange(size[0]), size[1] - 1), (random.randrange(256),) * 3)
    image.save(path, "JPEG", quality=92)
    return path


def camera_photo(path: Path) -> Path:
    """A 12-megapixel, noisy (hard to compress) photo of about 4 MB, as a phone camera makes."""
    noise = [Image.effect_noise((4032, 3024), 60 + 10 * i) for i in range(3)]
    Image.merge("RGB", noise).save(path, "JPEG", quality=90)
    return path


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{base}/")


def take_photo(page: Any, area: str, *paths: Path) -> None:
    previews = page.locator(f"#photo-{area} [data-previews] li")
    before = previews.count()
    with page.expect_file_chooser() as chooser:
        page.locator(f"#photo-{area} label.camera").tap()
    chooser.value.set_files([str(path) for path in paths])
    previews.nth(before + len(paths) - 1).wait_for()


def tap_colours(page: Any, key: str, bands: int) -> None:
    canvas = page.locator(f"#rule-{key} [data-dropper]")
    page.wait_for_function(f"document.querySelector('#rule-{key} [data-dropper]').width > 0")
    box = canvas.bounding_box()
    for index in range(bands):
        canvas.tap(position={"x": box["width"] * (index + 0.5) / bands, "y": box["height"] / 2})
    page.locator(f"#rule-{key} .swatch-line .swatch").nth(bands - 1).wait_for()


def yes(page: Any, *keys: str) -> None:
    for key in keys:
        # Rules that arrive with a later rulebook (window_promo, featured_style) are tapped when shown.
        if page.locator(f"#rule-{key}").count():
            page.locator(f"#rule-{key} .toggle.yes").tap()


def fill_passing_opening(page: Any, folder: Path) -> None:
    take_photo(page, "folded", band_photo(folder / "folded.jpg", FOLDED_BANDS))
    page.locator("#rule-stack_count [data-add=thin]").tap()  # starts at 5: thin 4–6
    page.locator("#rule-stack_count [data-add=thick]").tap()  # starts at 4: thick 3–4
    for size in ("XL", "L", "M", "S"):
        page.locator("#rule-folded_size_order [data-sizes] .chip", has_text=re.compile(f"^{size}$")).tap()
    tap_colours(page, "folded_colour_order", 3)
    yes(page, "folded_grouping", "folded_mannequin")

    take_photo(page, "hanging", band_photo(folder / "hanging.jpg", HANGING_BANDS))
    for _ in range(3):
        page.locator("#rule-hang_count [data-add=style]").tap()  # starts at 3: 2–4
    for size in ("S", "M", "L"):
        page.locator("#rule-hanging_size_order [data-sizes] .chip", has_text=re.compile(f"^{size}$")).tap()
    tap_colours(page, "hanging_colour_order", 3)
    yes(page, "same_hanger", "hanging_tidy")

    take_photo(page, "window", band_photo(folder / "window.jpg", ((90, 120, 200),)))
    yes(page, "window_refresh", "window_clean", "window_promo", "window_seasonal", "focal_point", "featured_style")


def submissions() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Submission)) or 0


def hex_close(value: str, colour: tuple[int, int, int], within: int = 12) -> bool:
    channels = [int(value[i : i + 2], 16) for i in (1, 3, 5)]
    return all(abs(a - b) <= within for a, b in zip(channels, colour, strict=True))


def test_a_passing_opening_checklist_with_three_photos_takes_at_most_45_touches(live_server, phone, staff, tmp_path):
    sign_in(phone, live_server, staff.username)
    phone.add_init_script(TOUCHES)
    phone.goto(f"{live_server}/checklist/opening")
    phone.locator("form.ready").wait_for()

    fill_passing_opening(phone, tmp_path)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    phone.locator("button[data-submit]").tap()
    touches = phone.evaluate("window.__touches")
    phone.wait_for_url("**/submissions/*")

    print(f"touches for a passing opening checklist: {touches}")  # the README's figure (-rP)
    assert touches <= 45, touches
    assert phone.locator(".result .score").inner_text() == "100.0"
    assert phone.locator(".item.fail").count() == 0
    assert submissions() == 1
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 3


def test_eyedropper_colours_are_sent_as_hex_codes_in_the_payload(live_server, phone, staff, tmp_path):
    payloads: list[str] = []
    sign_in(phone, live_server, staff.username)

    def capture(route: Any) -> None:
        payloads.append(multipart_parts(route.request)["payload"][0][1].decode())
        route.continue_()

    phone.route("**/api/v1/submissions", capture)
    phone.goto(f"{live_server}/checklist/opening")
    fill_passing_opening(phone, tmp_path)
    swatch = phone.locator("#rule-folded_colour_order .swatch-line .swatch").first
    assert swatch.is_visible() and swatch.bounding_box()["width"] >= 44  # large, numbered swatches
    phone.locator("button[data-submit]").tap()
    phone.wait_for_url("**/submissions/*")

    import json

    answers = json.loads(payloads[0])["answers"]
    folded = answers["folded_colour_order"]["colours"]
    hanging = answers["hanging_colour_order"]["colours"]
    assert all(re.fullmatch(r"#[0-9A-F]{6}", colour) for colour in folded + hanging)
    assert all(hex_close(value, band) for value, band in zip(folded, FOLDED_BANDS, strict=True))
    assert all(hex_close(value, band) for value, band in zip(hanging, HANGING_BANDS, strict=True))


def multipart_parts(request: Any) -> dict[str, list[tuple[str | None, bytes]]]:
    """The fields of a multipart request body: name -> [(filename, bytes)]."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.post_data_buffer)
    parts: dict[str, list[tuple[str | None, bytes]]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        parts.setdefault(name, []).append((part.get_filename(), part.get_payload(decode=True)))
    return parts


def test_camera_photos_go_up_reduced_and_two_photos_of_one_area_are_both_stored(live_server, phone, staff, tmp_path):
    uploads: list[tuple[str, bytes]] = []
    sign_in(phone, live_server, staff.username)

    def capture(route: Any) -> None:
        for name, files in multipart_parts(route.request).items():
            uploads.extend((name, body) for _, body in files if name.startswith("photo."))
        route.continue_()

    phone.route("**/api/v1/submissions", capture)
    phone.on("dialog", lambda dialog: dialog.accept())
    phone.goto(f"{live_server}/checklist/opening")
    big = camera_photo(tmp_path / "camera.jpg")
    assert big.stat().st_size > 3_000_000
    take_photo(phone, "folded", big, band_photo(tmp_path / "second.jpg", FOLDED_BANDS))
    yes(phone, "folded_grouping")
    phone.locator("button[data-submit]").tap()
    phone.wait_for_url("**/submissions/*")

    assert [name for name, _ in uploads] == ["photo.folded", "photo.folded"]
    for _, body in uploads:
        image = Image.open(io.BytesIO(body))
        assert image.format == "JPEG"
        assert len(body) <= 400_000 and max(image.size) <= 1600, (len(body), image.size)
    assert Image.open(io.BytesIO(uploads[0][1])).size == (1600, 1200)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Photo).where(Photo.area == "folded")) == 2
    assert phone.locator(".thumbs img").count() == 2


def test_the_draft_survives_reload_language_switch_and_an_expired_sign_in(live_server, phone, staff, tmp_path):
    sign_in(phone, live_server, staff.username)
    phone.goto(f"{live_server}/checklist/opening")
    take_photo(phone, "folded", band_photo(tmp_path / "folded.jpg", FOLDED_BANDS))
    phone.locator("#rule-stack_count [data-add=thin]").tap()
    for size in ("XL", "L"):
        phone.locator("#rule-folded_size_order [data-sizes] .chip", has_text=re.compile(f"^{size}$")).tap()
    yes(phone, "folded_grouping")
    phone.locator("[data-saved]").wait_for()

    def kept() -> None:
        phone.locator("form.ready").wait_for()
        assert phone.locator("#rule-folded_grouping .toggle.yes").get_attribute("aria-pressed") == "true"
        assert phone.locator("#rule-folded_size_order .size-line .size").all_inner_texts() == ["XL", "L"]
        assert phone.locator("#rule-stack_count .count").input_value() == "5"
        assert phone.locator("#photo-folded [data-previews] img").count() == 1

    phone.reload()
    kept()
    phone.locator("footer button[value=en]").click()
    phone.wait_for_load_state()
    assert phone.locator("html").get_attribute("lang") == "en"
    kept()

    phone.context.clear_cookies()  # the sign-in has expired
    phone.on("dialog", lambda dialog: dialog.accept())
    phone.locator("button[data-submit]").tap()
    signin = phone.locator("[data-status] [data-signin]")
    signin.wait_for()
    assert submissions() == 0
    signin.tap()
    phone.fill("input[name=username]", staff.username)
    phone.fill("input[name=password]", factories.PASSWORD)
    phone.click("button.primary")
    phone.wait_for_url("**/submissions/*")  # back on the checklist, it sent itself

    assert submissions() == 1
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 1


def test_sent_offline_it_waits_then_lands_exactly_once(live_server, phone, staff, tmp_path):
    sign_in(phone, live_server, staff.username)
    phone.on("dialog", lambda dialog: dialog.accept())
    phone.goto(f"{live_server}/checklist/opening")
    phone.locator("form.ready").wait_for()
    fill_passing_opening(phone, tmp_path)

    phone.context.set_offline(True)
    phone.locator("button[data-submit]").tap()
    phone.locator("[data-status][data-state=waiting]").wait_for()
    assert submissions() == 0

    # Back online, the first answer is lost on the way: the server stored it, the phone
    # never heard. The phone sends again with the same key, and the server answers the first.
    lost = []

    def lose_first_answer(route: Any) -> None:
        if not lost:
            route.fetch()
            lost.append(True)
            route.abort()
        else:
            route.continue_()

    phone.route("**/api/v1/submissions", lose_first_answer)
    phone.context.set_offline(False)
    phone.locator("[data-status][data-state=waiting]").wait_for()
    assert submissions() == 1
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.wait_for_url("**/submissions/*")

    assert lost == [True]
    assert submissions() == 1
    assert phone.locator(".result .score").inner_text() == "100.0"


def test_submitting_with_open_items_asks_first_and_cancel_sends_nothing(live_server, phone, staff):
    sign_in(phone, live_server, staff.username)
    phone.goto(f"{live_server}/checklist/opening")
    phone.locator("form.ready").wait_for()
    yes(phone, "focal_point")
    questions: list[str] = []

    def decline(dialog: Any) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    phone.on("dialog", decline)
    rules = phone.locator("fieldset.rule").count()
    phone.locator("button[data-submit]").tap()
    phone.wait_for_timeout(300)

    assert len(questions) == 1
    assert str(rules - 1) in questions[0] and "3" in questions[0]  # all but one unanswered, 3 photos missing
    assert phone.url.endswith("/checklist/opening")
    assert submissions() == 0


def test_every_error_the_phone_can_see_is_shown_at_once_next_to_its_field(live_server, phone, staff):
    sign_in(phone, live_server, staff.username)
    phone.goto(f"{live_server}/checklist/opening")
    phone.locator("form.ready").wait_for()
    phone.locator("#rule-folded_size_order [data-sizes] .chip", has_text=re.compile("^XL$")).tap()
    phone.locator("#rule-hanging_size_order [data-sizes] .chip", has_text=re.compile("^S$")).tap()
    phone.locator("#rule-folded_colour_order details.palette summary").tap()
    phone.locator("#rule-folded_colour_order [data-palette] .chip").first.tap()

    phone.locator("button[data-submit]").tap()

    for key in ("folded_size_order", "hanging_size_order", "folded_colour_order"):
        assert phone.locator(f"#rule-{key} [data-error]").is_visible(), key
    assert submissions() == 0


def test_a_refused_answer_is_shown_on_its_card_and_keeps_everything(live_server, phone, staff, tmp_path):
    sign_in(phone, live_server, staff.username)
    phone.on("dialog", lambda dialog: dialog.accept())
    phone.goto(f"{live_server}/checklist/opening")
    take_photo(phone, "folded", band_photo(tmp_path / "folded.jpg", FOLDED_BANDS))
    phone.locator("#rule-stack_count [data-add=thin]").tap()
    phone.locator("#rule-stack_count .count").fill("500")
    phone.locator("#rule-stack_count .count").press("Tab")
    assert phone.locator("#rule-stack_count .count").input_value() == "200"  # the stepper's bound
    phone.locator("#rule-folded_size_order [data-sizes] .chip", has_text=re.compile("^XL$")).tap()
    phone.locator("#rule-folded_size_order details.other summary").tap()
    phone.fill("#rule-folded_size_order [data-other-size]", "QQ")
    phone.locator("#rule-folded_size_order [data-add-other]").tap()

    phone.locator("button[data-submit]").tap()
    error = phone.locator("#rule-folded_size_order [data-error]")
    error.wait_for()

    assert "QQ" in error.inner_text()
    assert phone.url.endswith("/checklist/opening")
    assert phone.locator("#photo-folded [data-previews] img").count() == 1
    phone.locator("#rule-folded_size_order [data-undo]").tap()
    phone.locator("#rule-folded_size_order [data-sizes] .chip", has_text=re.compile("^L$")).tap()
    phone.locator("button[data-submit]").tap()
    phone.wait_for_url("**/submissions/*")
    assert submissions() == 1


def test_installed_page_opens_with_no_network_and_keeps_its_draft(live_server, phone, staff, tmp_path):
    sign_in(phone, live_server, staff.username)
    phone.goto(f"{live_server}/checklist/opening")
    phone.locator("form.ready").wait_for()
    phone.wait_for_function("navigator.serviceWorker.ready.then(r => !!r.active)")
    phone.reload()  # now under the worker's control
    phone.wait_for_function("!!navigator.serviceWorker.controller")
    yes(phone, "window_clean")
    phone.locator("[data-saved]").wait_for()
    manifest = phone.evaluate("fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())")
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}

    phone.context.set_offline(True)
    phone.reload()
    phone.locator("form.ready").wait_for()

    assert phone.locator("#rule-window_clean .toggle.yes").get_attribute("aria-pressed") == "true"
    # Styled: the stylesheet came from the worker's cache.
    assert phone.evaluate("getComputedStyle(document.querySelector('.toggle')).minHeight") == "56px"


def test_switching_assistant_takes_two_taps_and_a_pin_and_keeps_each_draft(live_server, phone, staff, shop):
    from merch.services.shop_phone import set_pin

    mei = factories.make_user("staff", shop=shop, username="mei")
    mei.name = "Mei Lin"
    set_pin(mei, "2468")
    set_pin(db.session.merge(staff), "1357")
    db.session.commit()
    sign_in(phone, live_server, staff.username)
    phone.goto(f"{live_server}/checklist/opening")
    yes(phone, "window_clean")
    phone.locator("[data-saved]").wait_for()

    phone.add_init_script(TOUCHES)
    phone.locator(".topbar a.who").tap()
    phone.locator("summary", has_text="Mei Lin").tap()
    touches = phone.evaluate("window.__touches")
    phone.fill("input[name=pin]", "2468")
    phone.press("input[name=pin]", "Enter")
    phone.wait_for_url("**/checklist/opening")
    phone.locator("form.ready").wait_for()

    assert touches == 1  # plus the tap that opened the switch page (counted before it loaded)
    assert "Mei Lin" in phone.locator(".topbar").inner_text()
    assert phone.locator("#rule-window_clean .toggle.yes").get_attribute("aria-pressed") == "false"

    phone.locator(".topbar a.who").tap()
    phone.locator("summary", has_text="Test user").tap()
    phone.fill("input[name=pin]", "1357")
    phone.press("input[name=pin]", "Enter")
    phone.locator("form.ready").wait_for()
    assert phone.locator("#rule-window_clean .toggle.yes").get_attribute("aria-pressed") == "true"


def test_a_photo_the_browser_cannot_decode_goes_up_as_it_is_and_a_turned_one_goes_up_upright(
    live_server, phone, staff, tmp_path
):
    from pillow_heif import register_heif_opener

    from tests.images import encoded, marked_image, phone_jpeg

    register_heif_opener()
    heic = tmp_path / "IMG_0001.HEIC"
    heic.write_bytes(encoded(marked_image(640, 480), "HEIF", quality=80))
    turned = tmp_path / "turned.jpg"
    turned.write_bytes(phone_jpeg(400, 300, orientation=6))  # the camera held upright
    uploads: list[tuple[str | None, bytes]] = []

    def capture(route: Any) -> None:
        uploads.extend(multipart_parts(route.request).get("photo.folded", []))
        route.continue_()

    sign_in(phone, live_server, staff.username)
    phone.route("**/api/v1/submissions", capture)
    # No server preview either (offline when chosen): test_phone_sizes_errors_heic has the online case.
    phone.route("**/api/v1/photos/preview", lambda route: route.abort())
    phone.on("dialog", lambda dialog: dialog.accept())
    phone.goto(f"{live_server}/checklist/opening")
    take_photo(phone, "folded", heic, turned)

    decodes_heic = phone.locator("#photo-folded [data-previews] img").count() == 2
    if not decodes_heic:  # Debian's Chromium has no HEIC decoder; Safari on an iPhone has one
        assert "IMG_0001.HEIC" in phone.locator("#photo-folded .no-preview").inner_text()
    yes(phone, "folded_grouping")
    phone.locator("button[data-submit]").tap()
    phone.wait_for_url("**/submissions/*")

    (heic_name, _), (_, turned_body) = uploads
    if not decodes_heic:
        # The original file goes up under its own name (DevTools does not report the bytes of
        # a file-backed part, so the server's stored copy below is the proof it arrived).
        assert heic_name == "IMG_0001.HEIC"
    assert Image.open(io.BytesIO(turned_body)).size == (300, 400)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Photo).where(Photo.area == "folded")) == 2


def test_na_and_per_stack_groups_are_sent_as_the_contract_says(live_server, phone, staff, tmp_path):
    payloads: list[str] = []

    def capture(route: Any) -> None:
        payloads.append(multipart_parts(route.request)["payload"][0][1].decode())
        route.continue_()

    sign_in(phone, live_server, staff.username)
    phone.route("**/api/v1/submissions", capture)
    phone.on("dialog", lambda dialog: dialog.accept())
    phone.goto(f"{live_server}/checklist/opening")
    phone.locator("form.ready").wait_for()
    phone.locator("#rule-folded_mannequin .toggle.na").tap()
    card = "#rule-folded_size_order"
    for size in ("XL", "L", "+", "M", "S"):
        if size == "+":
            phone.locator(f"{card} [data-new-group]").tap()
        else:
            phone.locator(f"{card} [data-sizes] .chip", has_text=re.compile(f"^{size}$")).tap()
    assert phone.locator(f"{card} .group").count() == 2
    phone.locator("button[data-submit]").tap()
    phone.wait_for_url("**/submissions/*")

    import json

    answers = json.loads(payloads[0])["answers"]
    assert answers["folded_mannequin"] == {"na": True}
    assert answers["folded_size_order"] == {"groups": [["XL", "L"], ["M", "S"]]}
