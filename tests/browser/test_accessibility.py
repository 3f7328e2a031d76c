"""axe-core (vendored from npm, test-only) on the phone pages: no serious or critical violation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.test_phone_checklist import fill_passing_opening, sign_in

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"


def serious_violations(page: Any) -> list[str]:
    # Evaluated through the driver: the pages' CSP (rightly) refuses an injected <script>.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']}: {node['target']}"
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
        for node in violation["nodes"]
    ]


def test_sign_in_home_checklist_and_result_have_no_serious_axe_violation(live_server, phone, staff, tmp_path):
    phone.goto(f"{live_server}/login")
    assert serious_violations(phone) == []
    sign_in(phone, live_server, staff.username)
    assert serious_violations(phone) == []
    phone.goto(f"{live_server}/checklist/opening")
    phone.locator("form.ready").wait_for()
    fill_passing_opening(phone, tmp_path)
    assert serious_violations(phone) == []
    phone.locator("button[data-submit]").tap()
    phone.wait_for_url("**/submissions/*")
    assert serious_violations(phone) == []


def test_checklist_touch_targets_are_44_px_and_headings_clear_the_top_bar(live_server, phone, staff, tmp_path):
    sign_in(phone, live_server, staff.username)
    phone.set_viewport_size({"width": 360, "height": 640})
    phone.goto(f"{live_server}/checklist/opening")
    phone.locator("form.ready").wait_for()
    fill_passing_opening(phone, tmp_path)

    small = phone.evaluate(
        """() => [...document.querySelectorAll('button, a, summary, input:not([type=file]), label.camera')]
          .filter(el => el.offsetParent !== null)
          .map(el => [el.outerHTML.slice(0, 60), el.getBoundingClientRect()])
          .filter(([, r]) => r.height < 44 || r.width < 44)
          .map(([html, r]) => `${html} ${Math.round(r.width)}x${Math.round(r.height)}`)"""
    )
    assert small == [], "\n".join(small)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    phone.locator("nav.jump a[href='#area-hanging']").tap()
    phone.wait_for_timeout(300)
    bar = phone.locator(".topbar").bounding_box()
    heading = phone.locator("#heading-hanging").bounding_box()
    assert heading["y"] >= bar["y"] + bar["height"]
