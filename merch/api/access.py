"""Who is calling: a bearer token, or the app's own pages with their session cookie."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError

from merch.clock import utcnow
from merch.database import reading
from merch.error_responses import ApiError
from merch.models import User
from merch.services.accounts import token_record

F = TypeVar("F", bound=Callable[..., Any])
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def authenticated_user() -> User:
    """The calling user, or ApiError 401; a cookie call's CSRF token is checked separately."""
    token = bearer_token()
    if token is not None:
        with reading():  # no write lock for finding out who calls
            record = token_record(token, utcnow())
        if record is None:
            raise ApiError(401, "unauthorized")
        g.api_user = record.user
        g.api_token = record
        return record.user
    if request.headers.get("Authorization"):
        raise ApiError(401, "unauthorized")
    if current_user and current_user.is_authenticated:
        g.api_user = current_user._get_current_object()
        return g.api_user  # type: ignore[no-any-return]
    raise ApiError(401, "unauthorized")


def check_csrf() -> None:
    """400 csrf_failed for a writing cookie call without a valid X-CSRFToken (bearer calls need none)."""
    if g.get("api_token") is not None or request.method not in UNSAFE_METHODS:
        return
    try:
        validate_csrf(request.headers.get("X-CSRFToken", ""))
    except ValidationError:
        raise ApiError(400, "csrf_failed") from None


def requires_user(*roles: str, csrf: bool = True) -> Callable[[F], F]:
    """Authenticate the caller, refuse (403) roles not listed (any role if none), then check CSRF.

    api.md's order: 401, then 403, then the 400s, so a role that may not call this hears
    so before anything about its request. A view whose 403 depends on what is asked
    (``csrf=False``) calls ``check_csrf()`` itself once it has decided.
    """

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = authenticated_user()
            if roles and user.role not in roles:
                raise ApiError(403, "forbidden")
            if csrf:
                check_csrf()
            return view(user, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
