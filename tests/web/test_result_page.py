"""The result page: the score, each failed item's reason and what to fix, then the rest."""

from __future__ import annotations

from tests.conftest import csrf_from
from tests.web.test_staff_pages import checklist_form_data


def test_failed_items_come_first_with_their_reason_and_what_to_fix(client, signed_in_staff):
    html = client.get("/checklist/opening").get_data(as_text=True)
    data = checklist_form_data(html, **{"stack_count.count": ["7", "3", ""], "hang_count.count": ["3", "9", "4"]})
    response = client.post("/checklist/opening", data=data, content_type="multipart/form-data")
    client.post("/language", data={"language": "en", "csrf_token": csrf_from(html), "next": "/"})

    page = client.get(response.headers["Location"]).get_data(as_text=True)

    fixes = page[page.index("What to fix") : page.index('class="card passed"')]
    assert "stack 1: 7 thin pieces, 4–6 allowed" in fixes
    assert "Refold the stacks marked above: thin 4–6 pieces, thick 3–4." in fixes
    assert "Hang 2 to 4 pieces of each style." in fixes
    cards = html.count('class="card rule')
    assert f"{cards - 2} items meet the guide" in page
    assert page.count("/api/v1/photos/") >= 6
