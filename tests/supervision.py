"""Helpers for supervision tests: people in two areas and checklists submitted for real."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient

from merch.extensions import db
from merch.models import Area, Shop, User
from tests import factories
from tests.conftest import api_login


@dataclass
class Cast:
    area: Area
    shop: Shop
    staff: User
    supervisor: User
    other_shop: Shop
    other_staff: User
    other_supervisor: User
    admin: User


def make_cast(shop: Shop, staff: User) -> Cast:
    """The shop fixture's area with a supervisor, and a second area with its own people."""
    supervisor = factories.make_user("supervisor", area=shop.area, username="super1")
    other_area = factories.make_area(code="HN-LY")
    other_shop = factories.make_shop(code="LY001", area=other_area)
    other_staff = factories.make_user("staff", shop=other_shop, username="staff2")
    other_supervisor = factories.make_user("supervisor", area=other_area, username="super2")
    admin = factories.make_user("admin", username="admin")
    db.session.commit()
    return Cast(shop.area, shop, staff, supervisor, other_shop, other_staff, other_supervisor, admin)


_shade = itertools.count(1)


def distinct_photos(areas: tuple[str, ...] = ("folded", "hanging", "window")) -> dict[str, bytes]:
    """One photo per area whose content differs from every other one of the run.

    Neighbouring flat colours can encode to the same JPEG bytes, which the server rightly
    calls a reused photo; these differ by a wide step.
    """
    photos = {}
    for area in areas:
        n = next(_shade)
        photos[f"photo.{area}"] = factories.jpeg_bytes(colour=((n * 37) % 256, (n * 91) % 256, (n * 53) % 256))
    return photos


def submit(
    client: FlaskClient,
    headers: dict[str, str],
    answers: dict[str, Any] | None = None,
    shift: str = "opening",
    photos: dict[str, Any] | None = None,
    **payload: Any,
) -> dict[str, Any]:
    response = client.post(
        "/api/v1/submissions",
        data=factories.submission_form(
            answers, shift=shift, photos=distinct_photos() if photos is None else photos, **payload
        ),
        headers={**headers, "Idempotency-Key": factories.new_key()},
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def headers_for(client: FlaskClient, user: User) -> dict[str, str]:
    return api_login(client, user.username)


def make_visit_rules() -> list[str]:
    """Two visit rules (the guide's V rules arrive with the full rulebook): a storefront one
    with a photo and one reused from the opening list's window."""
    from datetime import UTC, datetime

    from sqlalchemy import select

    from merch.models import Rule, RuleVersion

    storefront = Rule(key="storefront_clean", area="storefront", kind="yes_no", position=100)
    db.session.add(storefront)
    db.session.flush()
    db.session.add(
        RuleVersion(
            rule_id=storefront.id,
            version=1,
            params={},
            weight=2,
            photo_required=True,
            shifts=["visit"],
            titles={"en": "Storefront clean", "zh-Hant": "門面整潔", "zh-Hans": "门面整洁"},
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
    )
    window = db.session.scalar(
        select(RuleVersion).join(Rule).where(Rule.key == "window_clean").order_by(RuleVersion.version.desc())
    )
    assert window is not None
    window.shifts = [*window.shifts, "visit"]
    db.session.commit()
    return ["storefront_clean", "window_clean"]
