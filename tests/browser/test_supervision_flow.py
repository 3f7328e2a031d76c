"""A supervisor reviews a flagged checklist, fails an item and opens an action; the shop
assistant closes it with a photo; the supervisor verifies it. At 360 px and at 1280 px."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from merch.database import mark_read_only
from merch.extensions import db
from merch.models import CorrectiveAction, Submission
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.factories import PASSWORD, passing_answers
from tests.supervision import headers_for, make_cast, submit


@pytest.fixture
def chromium() -> Iterator[Any]:
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is in requirements-dev.txt")
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium; .ci/run does)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser: Any, width: int) -> Any:
    context = browser.new_context(
        viewport={"width": width, "height": 800}, is_mobile=width < 600, has_touch=width < 600, locale="zh-CN"
    )
    return context.new_page()


def read(fetch: Any) -> Any:
    """Read from the database without keeping a transaction (and SQLite's lock) open."""
    mark_read_only(True)  # the test client's requests left this thread in write mode
    db.session.expire_all()
    try:
        return fetch()
    finally:
        db.session.rollback()


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{base}/")


@pytest.mark.parametrize("width", [360, 1280])
def test_review_action_close_verify(app, client, live_server, chromium, shop, staff, clock, tmp_path: Path, width):
    cast = make_cast(shop, staff)
    clock.set_local(2026, 11, 24, 11, 20)  # after 11:00: a late, so flagged, checklist
    created = submit(client, headers_for(client, cast.staff), passing_answers())
    mark_read_only(True)  # reads below must not take the write lock the live server needs
    fix = tmp_path / "fixed.jpg"
    Image.new("RGB", (800, 600), (30, 160, 90)).save(fix, "JPEG", quality=90)

    supervisor = open_page(chromium, width)
    sign_in(supervisor, live_server, "super1")
    supervisor.goto(f"{live_server}/supervise/")
    supervisor.click(f"a[href='/supervise/submissions/{created['id']}']")
    supervisor.wait_for_url(f"**/supervise/submissions/{created['id']}")
    supervisor.check("input[name='result.folded_grouping'][value=fail]")
    supervisor.fill("input[name='comment.folded_grouping']", "冬装混在夏装里")
    supervisor.check("input[name='open_action.folded_grouping']")
    supervisor.screenshot(path=str(tmp_path / f"review-{width}.png"), full_page=False)
    supervisor.click("button[name=action][value=reviewed]")
    supervisor.wait_for_selector(".notice")

    def reviewed() -> Any:
        submission = db.session.get(Submission, created["id"])
        action = db.session.query(CorrectiveAction).one()
        return submission.status, submission.score, submission.original_score, action.id, action.key, action.status

    status, score, original, action_id, key, action_status = read(reviewed)
    assert (status, score, original) == ("reviewed", 95, 100)
    assert key == "folded_grouping" and action_status == "open"

    assistant = open_page(chromium, width)
    sign_in(assistant, live_server, "staff1")
    assistant.click(f"a[href='/actions/{action_id}']")
    assistant.wait_for_url(f"**/actions/{action_id}")
    assistant.set_input_files("input[name=photo]", str(fix))
    assistant.fill("textarea[name=note]", "已按季节重新分区")
    assistant.click("form.close-action button[type=submit]")
    assistant.wait_for_url(f"{live_server}/")

    assert read(lambda: db.session.get(CorrectiveAction, action_id).status) == "closed"

    supervisor.goto(f"{live_server}/supervise/actions/{action_id}")
    assert "已按季节重新分区" in supervisor.content()
    supervisor.click("button[name=action][value=verified]")
    supervisor.wait_for_selector(".notice")

    def verified() -> Any:
        closed = db.session.get(CorrectiveAction, action_id)
        return closed.status, len(closed.photos), closed.verified_by_id

    assert read(verified) == ("verified", 1, cast.ids["supervisor"])
