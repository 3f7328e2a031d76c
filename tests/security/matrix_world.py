"""The people, shops and objects the access matrix calls every route with (issue 13, item 2).

"This" shop is ZZ001 in area HN-ZZ; "another" shop is LY001 in area HN-LY. Every object a
URL names (a submission, its photos, a corrective action, a visit, a shop or area code for
a trend or an export) is ZZ001's, so the seven callers are: nobody signed in, staff of
ZZ001, staff of LY001, the supervisor of HN-ZZ, the supervisor of HN-LY, an admin, and a
ZZ001 assistant whose account was deactivated while signed in.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from merch.database import mark_read_only
from merch.extensions import db
from merch.models import CorrectiveAction, Photo, User
from merch.services.shop_phone import set_pin
from tests import factories
from tests.conftest import DEFAULT_NOW, Clock, csrf_from, fresh_database, make_test_app
from tests.supervision import distinct_photos

ROLES = ("anonymous", "staff", "other_staff", "supervisor", "other_supervisor", "admin", "deactivated")
USERNAMES = {
    "staff": "staff1",
    "other_staff": "staff2",
    "supervisor": "super1",
    "other_supervisor": "super2",
    "admin": "admin",
    "deactivated": "gone1",
}

COLLEAGUE_PIN = "1357"

# Rows a request writes whoever calls: sign-ins (a remember cookie or a session touch),
# failed sign-ins and the API tokens' use. Everything else must stay exactly as it was
# after a refused write.
BOOKKEEPING_TABLES = frozenset({"sign_ins", "sign_in_failures", "api_tokens", "alembic_version"})


@dataclass
class World:
    """The app, one signed-in client per caller, and the ids the URLs are filled with."""

    app: Flask
    ids: dict[str, Any] = field(default_factory=dict)
    clients: dict[str, FlaskClient] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # CSRF token of each client's session

    def client(self, role: str) -> FlaskClient:
        return self.clients[role]

    def fresh_client(self, role: str) -> tuple[FlaskClient, str]:
        """A client signed in anew (for a route that ends the sign-in it is called with).

        A deactivated user cannot sign in again: theirs is a copy of their old cookies.
        """
        client = self.app.test_client()
        if role == "deactivated":
            for cookie in self.clients[role]._cookies.values():
                client.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
            return client, self.tokens[role]
        token = sign_in_page(client, role, self)
        return client, token

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table but the bookkeeping ones, and the stored files."""
        tables: dict[str, list[tuple[Any, ...]]] = {}
        # A request shares the test's app context: end what it left open, and read in a
        # deferred transaction (a writing request marks the context as writing).
        db.session.remove()
        mark_read_only(True)
        with db.engine.connect() as connection:
            for table in db.metadata.sorted_tables:
                if table.name in BOOKKEEPING_TABLES:
                    continue
                rows = connection.execute(select(table)).all()
                tables[table.name] = sorted((tuple(map(repr, row)) for row in rows), key=repr)
        upload = Path(self.app.config["UPLOAD_FOLDER"])
        tables["files"] = sorted((str(p.relative_to(upload)),) for p in upload.rglob("*") if p.is_file())
        return tables


def _cheap_user(role: str, username: str, **where: Any) -> User:
    # Hashed with the suite's cheap method (the app's PASSWORD_HASH_METHOD below): what is
    # tested here is who may call what, and the session-ending routes sign in afresh.
    return factories.make_user(role, username=username, **where)


def sign_in_page(client: FlaskClient, role: str, world: World) -> str:
    """Sign ``role`` in through the sign-in page; the session's CSRF token."""
    token = csrf_from(client.get("/login").get_data(as_text=True))
    if role == "anonymous":
        return token
    response = client.post(
        "/login", data={"username": USERNAMES[role], "password": factories.PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return csrf_from(client.get("/account").get_data(as_text=True))


def _api_headers(client: FlaskClient, username: str) -> dict[str, str]:
    response = client.post("/api/v1/login", json={"username": username, "password": factories.PASSWORD})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def _post_submission(client: FlaskClient, headers: dict[str, str], shift: str, **extra: Any) -> dict[str, Any]:
    if shift == "visit":
        answers = {k: v for k, v in factories.passing_answers().items() if k != "window_refresh"}
        answers.update({"storefront": {"ok": True}, "pop_layout": {"ok": True}})
        photos = distinct_photos(("folded", "hanging", "window", "storefront"))
    else:
        answers = factories.passing_answers()
        answers["window_clean"] = {"ok": False}  # a failed item, so an action can be opened on it
        photos = distinct_photos()
    response = client.post(
        "/api/v1/submissions",
        data=factories.submission_form(answers, shift=shift, photos=photos, **extra),
        headers={**headers, "Idempotency-Key": factories.new_key()},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def _open_action(client: FlaskClient, headers: dict[str, str], submission_id: int) -> int:
    response = client.post(
        f"/api/v1/submissions/{submission_id}/review",
        json={"action": "reviewed", "actions": [{"key": "window_clean", "comment": "clean the glass"}]},
        headers=headers,
    )
    assert response.status_code == 200, response.get_json()
    return int(response.get_json()["actions"][0]["id"])


def make_world(tmp_path: Path) -> Iterator[World]:
    """Build the world once; yields it inside the app context, then drops the database."""
    app = make_test_app(tmp_path, Clock(DEFAULT_NOW), "matrix.sqlite", {})
    with app.app_context():
        fresh_database()
        world = World(app)
        _populate(world)
        yield world
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _populate(world: World) -> None:
    shop = factories.make_shop(code="ZZ001", name="郑州二七店", area=factories.make_area(code="HN-ZZ"))
    spare = factories.make_shop(code="ZZ002", area=shop.area)  # for admin writes that change a shop
    other_area = factories.make_area(code="HN-LY")
    other_shop = factories.make_shop(code="LY001", area=other_area)
    _cheap_user("staff", "staff1", shop=shop)
    _cheap_user("staff", "staff2", shop=other_shop)
    _cheap_user("supervisor", "super1", area=shop.area)
    _cheap_user("supervisor", "super2", area=other_area)
    _cheap_user("admin", "admin")
    _cheap_user("staff", "gone1", shop=shop)
    victim = _cheap_user("staff", "victim1", shop=spare)  # what admin user writes change
    colleague = _cheap_user("staff", "colleague1", shop=shop)  # whom the shop phone switches to
    set_pin(colleague, COLLEAGUE_PIN)
    db.session.commit()

    api = world.app.test_client()
    staff = _api_headers(api, "staff1")
    other_staff = _api_headers(api, "staff2")
    supervisor = _api_headers(api, "super1")
    other_supervisor = _api_headers(api, "super2")
    # ZZ001's opening checklist, a
    # corrective action on it, and a visit to ZZ001; the same for LY001, so that a caller of
    # the other area has objects of its own (and lists that must not show ZZ001's).
    submission = _post_submission(api, staff, "opening")
    other_submission = _post_submission(api, other_staff, "opening")
    action_id = _open_action(api, supervisor, submission["id"])
    _open_action(api, other_supervisor, other_submission["id"])
    visit = _post_submission(api, supervisor, "visit", store="ZZ001")
    _post_submission(api, other_supervisor, "visit", store="LY001")
    db.session.expire_all()
    photo_ids = sorted(db.session.scalars(select(Photo.id).where(Photo.submission_id == submission["id"])))
    visit_photo = db.session.scalar(select(Photo.id).where(Photo.submission_id == visit["id"]))
    world.ids.update(
        submission=submission["id"],
        photo=photo_ids[0],
        action=action_id,
        visit=visit["id"],
        visit_photo=visit_photo,
        user=victim.id,
        shop="ZZ001",
        spare_shop=spare.code,
        area="HN-ZZ",
        rule="window_clean",
    )
    assert db.session.get(CorrectiveAction, action_id) is not None

    for role in ROLES:
        client = world.app.test_client()
        world.clients[role] = client
        world.tokens[role] = sign_in_page(client, role, world)
    gone = db.session.scalar(select(User).where(User.username == "gone1"))
    assert gone is not None
    # Deactivated behind its back: the row says inactive while its session row still lives,
    # so the session itself must stop working, not only the sign-out that deactivation does.
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE users SET active = :no WHERE id = :id"), {"no": False, "id": gone.id})
    db.session.expire_all()
    # Its browser's next page is the sign-in page (the session no longer signs anyone in),
    # whose CSRF token its writes then carry: their answer is the access decision.
    page = world.clients["deactivated"].get("/login")
    assert page.status_code == 200, "a deactivated user's session still signs them in"
    world.tokens["deactivated"] = csrf_from(page.get_data(as_text=True))
