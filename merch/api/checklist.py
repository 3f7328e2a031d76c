"""GET /api/v1/checklist: what the caller's shop must answer for a shift."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from flask import jsonify, request

from merch.api import bp
from merch.api.access import requires_user
from merch.api.serializers import checklist_json
from merch.clock import utcnow
from merch.error_responses import ApiError
from merch.i18n.request import current_language
from merch.models import VISIT, Role, User
from merch.rulebook import SHIFTS
from merch.services.checklists import checklist_status, rule_versions_for, shop_today
from merch.services.visits import visit_shop, visit_status

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@bp.get("/checklist")
@requires_user(Role.STAFF, Role.SUPERVISOR)
def checklist(user: User) -> Any:
    """Today's (or yesterday's) checklist for one shift, items in display order.

    Staff ask for their shop's opening or closing; supervisors for a ``visit`` with
    ``store=`` a shop of their area.
    """
    shift = request.args.get("shift", "")
    if shift not in (*SHIFTS, VISIT):
        raise ApiError(400, "bad_request", "shift")
    if shift == VISIT:
        return _visit_checklist(user)
    if user.role != Role.STAFF:
        raise ApiError(403, "forbidden")
    shop = user.shop
    assert shop is not None  # staff always have a shop (database constraint)
    now = utcnow()
    today = shop_today(shop, now)
    day = today
    raw_date = request.args.get("business_date")
    if raw_date is not None:
        try:
            if not _DATE.match(raw_date):
                raise ValueError(raw_date)
            day = date.fromisoformat(raw_date)
        except ValueError:
            raise ApiError(422, "invalid_date", "business_date") from None
        if day not in (today, today - timedelta(days=1)) or day < shop.opened_on:
            raise ApiError(422, "invalid_date", "business_date")
    status = checklist_status(shop, shift, day, now)
    return jsonify(checklist_json(shop, status, rule_versions_for(shift), current_language()))


def _visit_checklist(user: User) -> Any:
    if user.role != Role.SUPERVISOR:
        raise ApiError(403, "forbidden")
    shop = visit_shop(user, request.args.get("store", ""))
    if shop is None:
        raise ApiError(404, "not_found", "store")
    now = utcnow()
    status = visit_status(shop, shop_today(shop, now))
    return jsonify(checklist_json(shop, status, rule_versions_for(VISIT), current_language()))
