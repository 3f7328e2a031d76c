"""How the access matrix calls each route: its URL (parameters from the world) and a body.

Write calls carry a body that would succeed for a caller who may make it, so a refusal is
the access decision and not a malformed request; every call carries the session's CSRF
token (as ``csrf_token`` in a form and ``X-CSRFToken`` for JSON and multipart API calls).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests import factories
from tests.security.matrix_world import COLLEAGUE_PIN, World
from tests.supervision import distinct_photos

Body = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Call:
    """One way of calling one route: ``path`` is formatted with the world's ids."""

    path: str
    kind: str = "none"  # "none", "form", "json", "multipart" (form fields and files)
    body: Body | None = None
    ends_session: bool = False  # signs the caller out: made with a fresh sign-in
    label: str = ""

    def url(self, world: World) -> str:
        return self.path.format(**world.ids)


def _jpeg() -> tuple[io.BytesIO, str]:
    return io.BytesIO(factories.unique_jpeg()), "fix.jpg"


def _shop_form(code: str, name: str) -> Body:
    return lambda world: {
        "code": code,
        "name": name,
        "area": "HN-ZZ",
        "timezone": "Asia/Shanghai",
        "opens": "10:00",
        "closes": "22:00",
        "language": "zh-Hans",
        "opened_on": "2026-01-01",
        "active": "y",
        "size_set": "XS, S, M, L, XL",
    }


def _user_form(username: str, password: str = "") -> Body:
    def body(world: World) -> dict[str, Any]:
        fields = {"username": username, "name": "Victim", "role": "staff", "shop": "ZZ002", "area": "", "language": ""}
        return {**fields, "password": password} if password else fields

    return body


def _submission(shift: str, **payload: Any) -> Body:
    def body(world: World) -> dict[str, Any]:
        answers = factories.passing_answers()
        areas: tuple[str, ...] = ("folded", "hanging", "window")
        if shift == "visit":
            answers.pop("window_refresh")
            answers.update({"storefront": {"ok": True}, "pop_layout": {"ok": True}})
            areas = (*areas, "storefront")
        return factories.submission_form(answers, shift=shift, photos=distinct_photos(areas), **payload)

    return body


def _checklist_form(world: World) -> dict[str, Any]:
    photos = {f"photo.{area}": [_jpeg()] for area in ("folded", "hanging", "window")}
    return {**photos, "idempotency_key": factories.new_key(), "completed_at": ""}


IMPORT_CSV = (
    "code,name,area,timezone,opens,closes,language,opened_on\n"
    "NW001,New shop,HN-NW,Asia/Shanghai,10:00,22:00,zh-Hans,2026-01-01\n"
)

# Every (endpoint, method) of the URL map, and how it is called. tests/security/
# test_access_matrix.py fails for an endpoint missing here.
CALLS: dict[tuple[str, str], tuple[Call, ...]] = {
    ("static", "GET"): (Call("/static/css/admin.css"),),
    ("favicon", "GET"): (Call("/favicon.ico"),),
    ("staff.manifest", "GET"): (Call("/manifest.webmanifest"),),
    ("staff.service_worker", "GET"): (Call("/sw.js"),),
    ("api.openapi", "GET"): (Call("/api/v1/openapi.json"),),
    # Signing in, out, and the caller's own account.
    ("auth.login", "GET"): (Call("/login"),),
    ("auth.login", "POST"): (
        Call("/login", "form", lambda w: {"username": "staff2", "password": factories.PASSWORD}, ends_session=True),
    ),
    ("auth.logout", "POST"): (Call("/logout", "form", lambda w: {}, ends_session=True),),
    ("auth.account", "GET"): (Call("/account"),),
    ("auth.sign_out_everywhere_route", "POST"): (
        Call("/account/sign-out-everywhere", "form", lambda w: {}, ends_session=True),
    ),
    ("auth.language", "POST"): (Call("/language", "form", lambda w: {"language": "zh-Hans", "next": ""}),),
    ("api.login", "POST"): (
        Call("/api/v1/login", "json", lambda w: {"username": "staff2", "password": factories.PASSWORD}),
    ),
    ("api.logout", "POST"): (Call("/api/v1/logout", "json", lambda w: {}, ends_session=True),),
    # The shop phone.
    ("staff.home", "GET"): (Call("/"),),
    ("staff.checklist", "GET"): (Call("/checklist/opening"), Call("/checklist/closing")),
    ("staff.submit", "POST"): (Call("/checklist/opening", "multipart", _checklist_form),),
    ("staff.submission", "GET"): (
        Call("/submissions/{submission}", label="submission"),
        Call("/submissions/{visit}", label="visit"),
    ),
    ("staff.action", "GET"): (Call("/actions/{action}"),),
    ("staff.action_close", "POST"): (
        Call("/actions/{action}", "multipart", lambda w: {"note": "refolded", "photo": [_jpeg()]}),
    ),
    ("staff.switch", "GET"): (Call("/switch"),),
    ("staff.switch", "POST"): (
        Call(
            "/switch",
            "form",
            lambda w: {"username": "colleague1", "pin": COLLEAGUE_PIN, "next": ""},
            ends_session=True,
        ),
    ),
    ("staff.pin", "GET"): (Call("/pin"),),
    ("staff.pin", "POST"): (Call("/pin", "form", lambda w: {"password": factories.PASSWORD, "pin": "2468"}),),
    # The JSON API.
    ("api.checklist", "GET"): (
        Call("/api/v1/checklist?shift=opening", label="opening"),
        Call("/api/v1/checklist?shift=visit&store={shop}", label="visit"),
    ),
    ("api.create_submission", "POST"): (
        Call("/api/v1/submissions", "multipart", _submission("visit", store="ZZ001"), label="visit to ZZ001"),
        Call("/api/v1/submissions", "multipart", _submission("opening", store="ZZ001"), label="opening"),
        # ZZ002 has no opening checklist yet: naming it must not file one there.
        Call("/api/v1/submissions", "multipart", _submission("opening", store="ZZ002"), label="opening, other store"),
    ),
    ("api.list_submissions_call", "GET"): (
        Call("/api/v1/submissions", label="all"),
        Call("/api/v1/submissions?store={shop}", label="store"),
    ),
    # A preview reads nothing of any shop: whoever submits checklists may ask for one.
    ("api.photo_preview", "POST"): (Call("/api/v1/photos/preview", "multipart", lambda w: {"photo": [_jpeg()]}),),
    ("api.get_submission", "GET"): (
        Call("/api/v1/submissions/{submission}", label="submission"),
        Call("/api/v1/submissions/{visit}", label="visit"),
    ),
    ("api.review_call", "POST"): (
        Call("/api/v1/submissions/{submission}/review", "json", lambda w: {"action": "reviewed", "comment": "ok"}),
    ),
    ("api.photo", "GET"): (
        Call("/api/v1/photos/{photo}", label="photo"),
        Call("/api/v1/photos/{photo}?size=thumb", label="thumb"),
        Call("/api/v1/photos/{visit_photo}", label="visit photo"),
    ),
    ("api.list_actions", "GET"): (Call("/api/v1/actions"),),
    ("api.close_action_call", "POST"): (
        Call(
            "/api/v1/actions/{action}/close",
            "multipart",
            lambda w: {"payload": json.dumps({"note": "refolded"}), "photo": [_jpeg()]},
        ),
    ),
    ("api.verify_action_call", "POST"): (
        Call("/api/v1/actions/{action}/verify", "json", lambda w: {"action": "verified", "comment": "good"}),
    ),
    ("api.board", "GET"): (Call("/api/v1/board"), Call("/api/v1/board?area={area}", label="area")),
    ("api.rankings", "GET"): (Call("/api/v1/rankings?days=7"),),
    ("api.store_trend", "GET"): (Call("/api/v1/stores/{shop}/trend?days=30"),),
    ("api.export", "GET"): (
        Call("/api/v1/export?from=2026-11-01&to=2026-11-30", label="scope"),
        Call("/api/v1/export?from=2026-11-01&to=2026-11-30&area={area}", label="area"),
    ),
    ("api.list_rules", "GET"): (Call("/api/v1/rules"),),
    ("api.put_rule", "PUT"): (Call("/api/v1/rules/{rule}", "json", lambda w: {"weight": 2}),),
    # Supervision pages.
    ("supervise.queue", "GET"): (Call("/supervise/"),),
    ("supervise.mark_clean_reviewed", "POST"): (
        Call("/supervise/reviewed", "form", lambda w: {"submission": str(w.ids["visit"])}),
    ),
    ("supervise.review_page", "GET"): (Call("/supervise/submissions/{submission}"),),
    ("supervise.review_submit", "POST"): (
        Call("/supervise/submissions/{submission}", "form", lambda w: {"action": "reviewed", "comment": "ok"}),
    ),
    ("supervise.actions", "GET"): (Call("/supervise/actions"),),
    ("supervise.action_page", "GET"): (Call("/supervise/actions/{action}"),),
    ("supervise.action_verify", "POST"): (
        Call("/supervise/actions/{action}", "form", lambda w: {"action": "reopened", "comment": "again"}),
    ),
    ("supervise.board", "GET"): (Call("/supervise/board"),),
    ("supervise.rankings", "GET"): (Call("/supervise/rankings"),),
    ("supervise.rank_reasons_page", "GET"): (Call("/supervise/rankings/{shop}"),),
    ("supervise.shop_trend_page", "GET"): (Call("/supervise/stores/{shop}/trend"),),
    ("supervise.area_trend_page", "GET"): (Call("/supervise/areas/{area}/trend"),),
    ("supervise.shop_report", "GET"): (Call("/supervise/stores/{shop}/report?from=2026-11-01&to=2026-11-30"),),
    ("supervise.area_report", "GET"): (Call("/supervise/areas/{area}/report?from=2026-11-01&to=2026-11-30"),),
    ("supervise.visit", "GET"): (Call("/supervise/visit/{shop}"),),
    # The admin console.
    ("admin.home", "GET"): (Call("/admin/"),),
    ("admin.areas", "GET"): (Call("/admin/areas"),),
    ("admin.new_area", "GET"): (Call("/admin/areas/new"),),
    ("admin.new_area", "POST"): (Call("/admin/areas/new", "form", lambda w: {"code": "HN-NEW", "name": "New"}),),
    ("admin.edit_area", "GET"): (Call("/admin/areas/{area}"),),
    ("admin.edit_area", "POST"): (
        Call("/admin/areas/{area}", "form", lambda w: {"code": "HN-ZZ", "name": "Zhengzhou"}),
    ),
    ("admin.shops", "GET"): (Call("/admin/shops"),),
    ("admin.new_shop", "GET"): (Call("/admin/shops/new"),),
    ("admin.new_shop", "POST"): (Call("/admin/shops/new", "form", _shop_form("NW002", "Newer shop")),),
    ("admin.edit_shop", "GET"): (Call("/admin/shops/{spare_shop}"),),
    ("admin.edit_shop", "POST"): (Call("/admin/shops/{spare_shop}", "form", _shop_form("ZZ002", "Renamed")),),
    ("admin.users", "GET"): (Call("/admin/users"),),
    ("admin.new_user", "GET"): (Call("/admin/users/new"),),
    ("admin.new_user", "POST"): (Call("/admin/users/new", "form", _user_form("newbie1", "a-new-password-9")),),
    ("admin.edit_user", "GET"): (Call("/admin/users/{user}"),),
    ("admin.edit_user", "POST"): (Call("/admin/users/{user}", "form", _user_form("victim1")),),
    ("admin.user_password", "POST"): (
        Call("/admin/users/{user}/password", "form", lambda w: {"password": "another-password-9"}),
    ),
    ("admin.user_sign_out_everywhere", "POST"): (
        Call("/admin/users/{user}/sign-out-everywhere", "form", lambda w: {}),
    ),
    ("admin.user_active", "POST"): (Call("/admin/users/{user}/active", "form", lambda w: {}),),
    ("admin.audit", "GET"): (Call("/admin/audit"),),
    ("admin.audit_export", "GET"): (Call("/admin/audit.csv"),),
    ("admin.import_file", "GET"): (Call("/admin/import"),),
    ("admin.import_file", "POST"): (
        Call("/admin/import", "multipart", lambda w: {"file": [(io.BytesIO(IMPORT_CSV.encode()), "shops.csv")]}),
    ),
    ("admin.rules", "GET"): (Call("/admin/rules"),),
    ("admin.rules_new_kind", "GET"): (Call("/admin/rules/new"),),
    ("admin.rules_create", "GET"): (Call("/admin/rules/new/yes_no"),),
    ("admin.rules_create", "POST"): (Call("/admin/rules/new/yes_no", "form", lambda w: {}),),
    ("admin.rules_edit", "GET"): (Call("/admin/rules/{rule}"),),
    ("admin.rules_edit", "POST"): (Call("/admin/rules/{rule}", "form", lambda w: {}),),
    ("admin.rules_history", "GET"): (Call("/admin/rules/{rule}/history"),),
}


def send(world: World, role: str, method: str, call: Call) -> Any:
    """Make ``call`` as ``role``; the response."""
    if call.ends_session:
        client, token = world.fresh_client(role)
        # Signing out everywhere ends the world's own sign-in of this caller too: sign it in anew.
        world.clients[role], world.tokens[role] = world.fresh_client(role)
    else:
        client, token = world.client(role), world.tokens[role]
    data = call.body(world) if call.body is not None else None
    headers = {"X-CSRFToken": token, "Idempotency-Key": factories.new_key()}
    url = call.url(world)
    if call.kind == "json":
        return client.open(url, method=method, json=data, headers=headers)
    if call.kind in ("form", "multipart"):
        fields = {**(data or {}), "csrf_token": token}
        content_type = "multipart/form-data" if call.kind == "multipart" else "application/x-www-form-urlencoded"
        return client.open(url, method=method, data=fields, headers=headers, content_type=content_type)
    return client.open(url, method=method, headers=headers)
