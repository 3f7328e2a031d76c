"""The console is for admins only: others get 403, visitors sign in first."""

from __future__ import annotations

import pytest

from tests import factories
from tests.conftest import page_login

PAGES = (
    "/admin/",
    "/admin/areas",
    "/admin/areas/new",
    "/admin/shops",
    "/admin/shops/new",
    "/admin/users",
    "/admin/users/new",
    "/admin/import",
    "/admin/audit",
    "/admin/audit.csv",
)


@pytest.mark.parametrize("role", ["staff", "supervisor"])
def test_staff_and_supervisors_are_refused_every_admin_page(client, role):
    user = factories.make_user(role)
    from merch.extensions import db

    db.session.commit()
    page_login(client, user.username)

    for url in PAGES:
        assert client.get(url).status_code == 403, url
    assert client.post("/admin/areas/new", data={"code": "X", "name": "X"}).status_code in (400, 403)


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get("/admin/shops")

    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admins_see_every_section_and_a_nav_link(client, signed_in_admin):
    home = client.get("/").get_data(as_text=True)
    console = client.get("/admin/")

    assert 'href="/admin/"' in home
    assert console.status_code == 200
    for url in PAGES[:-1]:
        assert client.get(url).status_code == 200, url


def test_staff_do_not_get_the_admin_link(client, signed_in_staff):
    assert 'href="/admin/"' not in client.get("/").get_data(as_text=True)
