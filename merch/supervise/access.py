"""Who may use the supervisor pages: supervisors and admins; staff get 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

from merch.models import Role, User

F = TypeVar("F", bound=Callable[..., Any])


def supervisor_required(view: F) -> F:
    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user.role not in (Role.SUPERVISOR, Role.ADMIN):
            abort(403)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def me() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]
