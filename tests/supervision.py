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
    """Ids of the people and places; each attribute reads a live row (requests end sessions)."""

    ids: dict[str, int]

    def _get(self, model: Any, name: str) -> Any:
        return db.session.get(model, self.ids[name])

    area = property(lambda self: self._get(Area, "area"))
    shop = property(lambda self: self._get(Shop, "shop"))
    staff = property(lambda self: self._get(User, "staff"))
    supervisor = property(lambda self: self._get(User, "supervisor"))
    other_shop = property(lambda self: self._get(Shop, "other_shop"))
    other_staff = property(lambda self: self._get(User, "other_staff"))
    other_supervisor = property(lambda self: self._get(User, "other_supervisor"))
    admin = property(lambda self: self._get(User, "admin"))


def make_cast(shop: Shop, staff: User) -> Cast:
    """The shop fixture's area with a supervisor, and a second area with its own people."""
    supervisor = factories.make_user("supervisor", area=shop.area, username="super1")
    other_area = factories.make_area(code="HN-LY")
    other_shop = factories.make_shop(code="LY001", area=other_area)
    other_staff = factories.make_user("staff", shop=other_shop, username="staff2")
    other_supervisor = factories.make_user("supervisor", area=other_area, username="super2")
    admin = factories.make_user("admin", username="admin")
    ids = {
        "area": shop.area_id,
        "shop": shop.id,
        "staff": staff.id,
        "supervisor": supervisor.id,
        "other_shop": other_shop.id,
        "other_staff": other_staff.id,
        "other_supervisor": other_supervisor.id,
        "admin": admin.id,
    }
    db.session.commit()
    return Cast(ids)


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
    from sqlalchemy import inspect

    username = db.session.get(User, inspect(user).identity[0]).username  # type: ignore[union-attr]
    return api_login(client, username)
