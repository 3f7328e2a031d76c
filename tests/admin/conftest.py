"""Admin console fixtures: a signed-in admin on the pages."""

from __future__ import annotations

from typing import Any

import pytest

from merch.extensions import db
from tests import factories
from tests.conftest import csrf_from, page_login


@pytest.fixture
def admin() -> Any:
    user = factories.make_user("admin", username="boss", language="en")
    db.session.commit()
    return user


@pytest.fixture
def signed_in_admin(client: Any, admin: Any) -> Any:
    page_login(client, admin.username)
    return admin


def post_form(client: Any, url: str, data: dict[str, Any], **kwargs: Any) -> Any:
    """GET the page for its CSRF token, then POST the form."""
    token = csrf_from(
        client.get(url if "/active" not in url and "/password" not in url else url.rsplit("/", 1)[0]).get_data(
            as_text=True
        )
    )
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)
