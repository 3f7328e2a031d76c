"""Error responses: JSON under /api/, a page in the reader's language elsewhere."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from merch.messages.localized import refusal
from merch.messages.refusals import Refused

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}


class ApiError(Refused):
    """A refusal raised by the API layer itself (auth, parsing)."""


# Calls whose 400 and 422 answers also list every problem found (api.md, "errors").
LISTS_EVERY_ERROR = frozenset({"api.create_submission"})


def _error_body(code: str, field: str | None, params: dict[str, Any] | None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": refusal(code, params)}
    if field:
        body["field"] = field
    return body


def api_error_response(
    status: int,
    code: str,
    field: str | None = None,
    params: dict[str, Any] | None = None,
    every: tuple[Refused, ...] = (),
) -> Response:
    """The contract's error body; on the calls of ``LISTS_EVERY_ERROR`` a 400 or 422 adds
    ``errors``: every problem found (``every``, else this one), each ``{code, message, field}``.
    """
    first = _error_body(code, field, params)
    answer: dict[str, Any] = {"error": first}
    if status in (400, 422) and request.endpoint in LISTS_EVERY_ERROR:
        listed = [_error_body(one.code, one.field, one.params) for one in every] or [first]
        answer["errors"] = [
            {"code": one["code"], "message": one["message"], "field": one.get("field")} for one in listed
        ]
    response = jsonify(answer)
    response.status_code = status
    return response


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def register(app: Flask) -> None:
    """Install the handlers."""

    @app.errorhandler(Refused)
    def _refused(error: Refused) -> Response:
        response = api_error_response(error.status, error.code, error.field, error.params, error.every)
        if "retry_after" in error.params:
            response.headers["Retry-After"] = str(error.params["retry_after"])
        return response

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> Any:
        if _is_api():
            return api_error_response(400, "csrf_failed")
        if _wants_json():
            # The checklist page sends with fetch(): it shows this and keeps its inputs.
            return jsonify({"errors": {"form": refusal("csrf_failed")}}), 400
        return render_template("errors/error.html", message=refusal("csrf_failed"), status=400), 400

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Any:
        status = error.code or 500
        code = _HTTP_CODES.get(status, "error")
        if _is_api():
            response = api_error_response(status, code)
            allowed = getattr(error, "valid_methods", None)
            if allowed:
                response.headers["Allow"] = ", ".join(allowed)
            return response
        if _wants_json():
            return jsonify({"errors": {"form": refusal(code)}}), status
        return render_template("errors/error.html", message=refusal(code), status=status), status

    @app.errorhandler(OperationalError)
    def _database_busy(error: OperationalError) -> Any:
        # The database could not be reached or stayed locked past the busy timeout: the
        # request changed nothing, and the same request can simply be sent again.
        app.logger.warning("database unavailable: %s", error)
        if _is_api():
            response = api_error_response(503, "service_unavailable")
        else:
            # A page of its own, not base.html: that would ask the database who is signed in.
            page = render_template("errors/unavailable.html", message=refusal("service_unavailable"))
            response = app.make_response((page, 503))
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Any:
        app.logger.exception("unhandled error")
        if _is_api():
            return api_error_response(500, "internal_error")
        return render_template("errors/error.html", message=refusal("internal_error"), status=500), 500
