"""The shared shop phone: an assistant sets a PIN; a colleague switches to them with it."""

from __future__ import annotations

from typing import Any

from merch.extensions import db
from merch.services.shop_phone import set_pin
from tests import factories
from tests.conftest import csrf_from


def colleague(shop: Any, username: str, name: str, pin: str | None = "2468") -> Any:
    user = factories.make_user("staff", shop=shop, username=username)
    user.name = name
    if pin:
        set_pin(user, pin)
    db.session.commit()
    return user


def switch(client: Any, username: str, pin: str) -> Any:
    token = csrf_from(client.get("/switch").get_data(as_text=True))
    return client.post("/switch", data={"username": username, "pin": pin, "csrf_token": token, "next": "/"})


def test_setting_a_pin_needs_the_password_and_stores_only_a_hash(client, signed_in_staff):
    token = csrf_from(client.get("/pin").get_data(as_text=True))

    wrong = client.post("/pin", data={"password": "nope", "pin": "1357", "csrf_token": token})
    short = client.post("/pin", data={"password": factories.PASSWORD, "pin": "12", "csrf_token": token})
    done = client.post("/pin", data={"password": factories.PASSWORD, "pin": "1357", "csrf_token": token})

    assert (wrong.status_code, short.status_code, done.status_code) == (422, 422, 200)
    db.session.refresh(signed_in_staff)
    assert signed_in_staff.pin_hash and "1357" not in signed_in_staff.pin_hash


def test_the_switch_page_lists_this_shops_assistants_with_a_pin_and_never_another_shops(client, signed_in_staff, shop):
    colleague(shop, "mei", "Mei Lin")
    colleague(shop, "nopin", "No Pin", pin=None)
    colleague(factories.make_shop(code="LY001"), "far", "Far Away")

    page = client.get("/switch").get_data(as_text=True)

    assert "Mei Lin" in page
    assert "No Pin" not in page and "Far Away" not in page and "LY001" not in page


def test_the_right_pin_switches_the_signed_in_assistant(client, signed_in_staff, shop):
    colleague(shop, "mei", "Mei Lin")

    response = switch(client, "mei", "2468")

    assert response.status_code == 302
    assert "Mei Lin" in client.get("/").get_data(as_text=True)


def test_a_wrong_pin_or_another_shops_assistant_is_refused_and_five_misses_lock_it(client, signed_in_staff, shop):
    colleague(shop, "mei", "Mei Lin")
    colleague(factories.make_shop(code="LY001"), "far", "Far Away")

    assert switch(client, "far", "2468").status_code == 422  # same answer as a wrong PIN
    for _ in range(5):
        assert switch(client, "mei", "0000").status_code == 422
    locked = switch(client, "mei", "2468")

    assert locked.status_code == 429
    assert "Test user" in client.get("/").get_data(as_text=True)  # still the first assistant
