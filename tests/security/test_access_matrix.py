"""Every route, as every kind of caller, answers exactly what the matrix says (issue 13, item 2).

The routes come from the app's URL map, so a new route without a line here fails the test
with its name. Each line gives, for each way of calling the route (tests/security/
matrix_calls.py: its URL, filled with ZZ001's submission, photo, action, visit, shop or
area, and a body that would succeed for a caller who may make it), the status each caller
gets, in the order of the columns below:

    anon  staff  staff   super  super  admin  deact-
          ZZ001  LY001   HN-ZZ  HN-LY         ivated

``L`` is a redirect (302) to the sign-in page. Objects outside the caller's shops are 404,
so their existence is not revealed (api.md); a role that may never call the route is 403.
A refused write (any 4xx, and ``L``) and a write marked ``*`` leave every table and the
upload folder exactly as they were; a 2xx answer to a caller of the other shop or area
never contains ZZ001's code or name.

Writes a caller may make do happen, in the order of the table (the first close of the
action succeeds, so a second one is 422): the statuses of the later lines count on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.security.matrix_calls import CALLS, send
from tests.security.matrix_world import ROLES, World, make_world

# fmt: off
MATRIX: dict[tuple[str, str], tuple[str, ...]] = {
    # Files anyone may fetch: the page's assets, the installable app, the API description.
    ("static", "GET"):                          ("200 200 200 200 200 200 200",),
    ("favicon", "GET"):                         ("200 200 200 200 200 200 200",),
    ("staff.manifest", "GET"):                  ("200 200 200 200 200 200 200",),
    ("staff.service_worker", "GET"):            ("200 200 200 200 200 200 200",),
    ("api.openapi", "GET"):                     ("200 200 200 200 200 200 200",),
    # Signing in and out; a signed-in caller opening the sign-in page goes home.
    ("auth.login", "GET"):                      ("200 302 302 302 302 302 200",),
    ("auth.login", "POST"):                     ("302 302 302 302 302 302 302",),
    ("auth.logout", "POST"):                    ("  L   L   L   L   L   L   L",),
    ("auth.account", "GET"):                    ("  L 200 200 200 200 200   L",),
    ("auth.sign_out_everywhere_route", "POST"): ("  L   L   L   L   L   L   L",),
    ("auth.language", "POST"):                  ("302 302 302 302 302 302 302",),
    ("api.login", "POST"):                      ("200 200 200 200 200 200 200",),
    ("api.logout", "POST"):                     ("401 204 204 204 204 204 401",),
    # The shop phone: staff's own shop; supervisors and admins see results in their scope.
    ("staff.home", "GET"):                      ("  L 200 200 200 200 200   L",),
    ("staff.checklist", "GET"):                 ("  L 302 302 403 403 403   L",   # opening: sent, so its result
                                                 "  L 200 200 403 403 403   L"),  # closing
    ("staff.submit", "POST"):                   ("  L 302* 302* 403 403 403 L",),  # sent already: to its result
    ("staff.submission", "GET"):                ("  L 200 404 200 404 200   L",   # ZZ001's checklist
                                                 "  L 200 404 200 404 200   L"),  # the visit to ZZ001
    ("staff.action", "GET"):                    ("  L 200 404 200 404 200   L",),
    ("staff.action_close", "POST"):             ("  L 303 404 403 404 403   L",),
    ("staff.switch", "GET"):                    ("  L 200 200 403 403 403   L",),
    ("staff.switch", "POST"):                   ("  L 302 422 403 403 403   L",),  # LY001 cannot switch to ZZ001's
    ("staff.pin", "GET"):                       ("  L 200 200 403 403 403   L",),
    ("staff.pin", "POST"):                      ("  L 200 200 403 403 403   L",),
    # The JSON API (here with the session cookie and X-CSRFToken, as the app's pages call it).
    ("api.checklist", "GET"):                   ("401 200 200 403 403 403 401",   # opening
                                                 "401 403 403 200 404 403 401"),  # visit to ZZ001
    ("api.create_submission", "POST"):          ("401 403 403 201 404 403 401",   # visit to ZZ001
                                                 "401 409 409 403 403 403 401",   # opening naming ZZ001
                                                 "401 409 409 403 403 403 401"),  # naming ZZ002: their own shop
    ("api.list_submissions_call", "GET"):       ("401 200 200 200 200 200 401",
                                                 "401 200 200 200 200 200 401"),  # ?store=ZZ001: empty for others
    ("api.get_submission", "GET"):              ("401 200 404 200 404 200 401",
                                                 "401 200 404 200 404 200 401"),  # the visit
    ("api.review_call", "POST"):                ("401 403 403 200 404 200 401",),
    ("api.photo", "GET"):                       ("401 200 404 200 404 200 401",   # display copy
                                                 "401 200 404 200 404 200 401",   # thumbnail
                                                 "401 200 404 200 404 200 401"),  # a visit's photo
    ("api.photo_preview", "POST"):              ("401 200 200 200 200 403 401",),  # stateless: no shop's data
    ("api.list_actions", "GET"):                ("401 200 200 200 200 200 401",),
    ("api.close_action_call", "POST"):          ("401 422 404 403 403 403 401",),  # already closed by the page
    ("api.verify_action_call", "POST"):         ("401 403 403 200 404 422 401",),  # admin: already verified
    ("api.board", "GET"):                       ("401 403 403 200 200 400 401",   # admins must name the area
                                                 "401 403 403 200 404 200 401"),  # ?area=HN-ZZ
    ("api.rankings", "GET"):                    ("401 200 200 200 200 200 401",),
    ("api.store_trend", "GET"):                 ("401 200 404 200 404 200 401",),
    ("api.export", "GET"):                      ("401 200 200 200 200 200 401",   # the caller's scope
                                                 "401 200 200 200 200 200 401"),  # ?area=HN-ZZ, ignored but for admins
    ("api.list_rules", "GET"):                  ("401 200 200 200 200 200 401",),
    ("api.put_rule", "PUT"):                    ("401 403 403 403 403 200 401",),
    # Supervision pages: supervisors of the area and admins; rankings and trends also staff.
    ("supervise.queue", "GET"):                 ("  L 403 403 200 200 200   L",),
    ("supervise.mark_clean_reviewed", "POST"):  ("  L 403 403 303 303* 303  L",),  # HN-LY: ZZ001's skipped
    ("supervise.review_page", "GET"):           ("  L 403 403 200 404 200   L",),
    ("supervise.review_submit", "POST"):        ("  L 403 403 303 404 303   L",),
    ("supervise.actions", "GET"):               ("  L 403 403 200 200 200   L",),
    ("supervise.action_page", "GET"):           ("  L 403 403 200 404 200   L",),
    ("supervise.action_verify", "POST"):        ("  L 403 403 422 404 422   L",),  # a verified action stays verified
    ("supervise.board", "GET"):                 ("  L 403 403 200 200 200   L",),
    ("supervise.rankings", "GET"):              ("  L 200 200 200 200 200   L",),
    ("supervise.rank_reasons_page", "GET"):     ("  L 200 404 200 404 200   L",),
    ("supervise.shop_trend_page", "GET"):       ("  L 200 404 200 404 200   L",),
    ("supervise.area_trend_page", "GET"):       ("  L 200 404 200 404 200   L",),
    ("supervise.shop_report", "GET"):           ("  L 200 404 200 404 200   L",),
    ("supervise.area_report", "GET"):           ("  L 200 404 200 404 200   L",),
    ("supervise.visit", "GET"):                 ("  L 403 403 200 404 403   L",),
    # The admin console: admins only.
    ("admin.home", "GET"):                      ("  L 403 403 403 403 200   L",),
    ("admin.areas", "GET"):                     ("  L 403 403 403 403 200   L",),
    ("admin.new_area", "GET"):                  ("  L 403 403 403 403 200   L",),
    ("admin.new_area", "POST"):                 ("  L 403 403 403 403 302   L",),
    ("admin.edit_area", "GET"):                 ("  L 403 403 403 403 200   L",),
    ("admin.edit_area", "POST"):                ("  L 403 403 403 403 302   L",),
    ("admin.shops", "GET"):                     ("  L 403 403 403 403 200   L",),
    ("admin.new_shop", "GET"):                  ("  L 403 403 403 403 200   L",),
    ("admin.new_shop", "POST"):                 ("  L 403 403 403 403 302   L",),
    ("admin.edit_shop", "GET"):                 ("  L 403 403 403 403 200   L",),
    ("admin.edit_shop", "POST"):                ("  L 403 403 403 403 302   L",),
    ("admin.users", "GET"):                     ("  L 403 403 403 403 200   L",),
    ("admin.new_user", "GET"):                  ("  L 403 403 403 403 200   L",),
    ("admin.new_user", "POST"):                 ("  L 403 403 403 403 302   L",),
    ("admin.edit_user", "GET"):                 ("  L 403 403 403 403 200   L",),
    ("admin.edit_user", "POST"):                ("  L 403 403 403 403 302   L",),
    ("admin.user_password", "POST"):            ("  L 403 403 403 403 302   L",),
    ("admin.user_sign_out_everywhere", "POST"): ("  L 403 403 403 403 302   L",),
    ("admin.user_active", "POST"):              ("  L 403 403 403 403 302   L",),
    ("admin.audit", "GET"):                     ("  L 403 403 403 403 200   L",),
    ("admin.audit_export", "GET"):              ("  L 403 403 403 403 200   L",),
    ("admin.import_file", "GET"):               ("  L 403 403 403 403 200   L",),
    ("admin.import_file", "POST"):              ("  L 403 403 403 403 200   L",),
    ("admin.rules", "GET"):                     ("  L 403 403 403 403 200   L",),
    ("admin.rules_new_kind", "GET"):            ("  L 403 403 403 403 200   L",),
    ("admin.rules_create", "GET"):              ("  L 403 403 403 403 200   L",),
    ("admin.rules_create", "POST"):             ("  L 403 403 403 403 422   L",),
    ("admin.rules_edit", "GET"):                ("  L 403 403 403 403 200   L",),
    ("admin.rules_edit", "POST"):               ("  L 403 403 403 403 422   L",),
    ("admin.rules_history", "GET"):             ("  L 403 403 403 403 200   L",),
}
# fmt: on

# HEAD and OPTIONS are answered by Werkzeug for every GET route, by the same view.
IMPLICIT_METHODS = frozenset({"HEAD", "OPTIONS"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
OUTSIDERS = ("other_staff", "other_supervisor")
THIS_SHOP_MARKS = ("ZZ001", "郑州二七店")


def routes_of(app: Flask) -> set[tuple[str, str]]:
    """Every (endpoint, method) the app answers."""
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in (rule.methods or set()) - IMPLICIT_METHODS
    }


def unlisted(app: Flask) -> list[str]:
    """The routes of ``app`` the matrix has no line for, as "METHOD /rule (endpoint)"."""
    missing = routes_of(app) - MATRIX.keys()
    return sorted(
        f"{method} {rule.rule} ({rule.endpoint})"
        for rule in app.url_map.iter_rules()
        for method in (rule.methods or set()) - IMPLICIT_METHODS
        if (rule.endpoint, method) in missing
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    # One app and one set of people and objects for the whole matrix; the writes it lets
    # through are part of the table's order (see the module's docstring).
    yield from make_world(Path(tmp_path_factory.mktemp("matrix")))


def _answer(response: object) -> str:
    status = response.status_code  # type: ignore[attr-defined]
    location = response.headers.get("Location", "")  # type: ignore[attr-defined]
    return "L" if status == 302 and location.startswith("/login") else str(status)


def test_every_route_answers_every_caller_exactly_as_the_matrix_says(world: World) -> None:
    missing = unlisted(world.app)
    assert not missing, "routes without a line in the access matrix: " + ", ".join(missing)
    assert MATRIX.keys() == CALLS.keys(), "the matrix and matrix_calls.CALLS name different routes"

    wrong: list[str] = []
    known: dict[str, list[tuple[object, ...]]] | None = None
    for (endpoint, method), calls in CALLS.items():
        rows = MATRIX[(endpoint, method)]
        assert len(rows) == len(calls), f"{endpoint} {method}: {len(calls)} calls but {len(rows)} lines"
        for call, row in zip(calls, rows, strict=True):
            expected = row.split()
            for role, want in zip(ROLES, expected, strict=True):
                unchanged = want.endswith("*") or want == "L" or want.startswith("4")
                want = want.rstrip("*")
                checked = method in WRITE_METHODS and unchanged
                before = (known or world.snapshot()) if checked else None
                response = send(world, role, method, call)
                body = response.get_data().decode("utf-8", "replace")
                response.close()
                got = _answer(response)
                where = f"{method} {call.url(world)} ({endpoint}) as {role}"
                if got != want:
                    wrong.append(f"{where}: {got}, expected {want}")
                # The state after a checked call is the next checked call's state before it.
                known = world.snapshot() if checked else None
                if before is not None and known != before:
                    wrong.append(f"{where}: answered {got} but changed the database or the stored files")
                if role in OUTSIDERS and got.startswith("2"):
                    leaked = [mark for mark in THIS_SHOP_MARKS if mark in body]
                    if leaked:
                        wrong.append(f"{where}: shows {', '.join(leaked)} to a caller of another shop")
    assert not wrong, "\n".join(wrong)


def test_a_route_without_a_line_is_named(world: World) -> None:
    from merch import create_app

    app = create_app({**world.app.config})
    app.add_url_rule("/new/<int:thing>", "new_thing", lambda thing: "", methods=["GET", "DELETE"])

    assert unlisted(app) == ["DELETE /new/<int:thing> (new_thing)", "GET /new/<int:thing> (new_thing)"]
