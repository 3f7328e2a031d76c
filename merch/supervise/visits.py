"""A supervisor's visit (巡場) to a shop of their area: the visit checklist on the spot.

The page is the shop's checklist page (same cards, drafts and offline queue), sent to
``POST /api/v1/submissions`` with ``shift: visit`` and the shop's code.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import abort, render_template

from merch.clock import utcnow
from merch.i18n.request import current_language
from merch.models import VISIT, Role
from merch.rulebook import AREAS
from merch.services.checklists import rule_title, rule_versions_for, shop_today
from merch.services.visits import shop_visits, visit_shop, visit_status
from merch.staff.forms import ChecklistForm
from merch.supervise import bp
from merch.supervise.access import me, supervisor_required


@bp.get("/visit/<store>")
@supervisor_required
def visit(store: str) -> Any:
    if me().role != Role.SUPERVISOR:
        abort(403)  # visits are the area supervisor's own
    shop = visit_shop(me(), store)
    if shop is None:
        abort(404)
    versions = rule_versions_for(VISIT)
    language = current_language()
    areas = list(AREAS) + sorted({v.rule.area for v in versions} - set(AREAS))
    sections = [(area, [(v, rule_title(v, language)) for v in versions if v.rule.area == area]) for area in areas]
    form = ChecklistForm()
    form.idempotency_key.data = str(uuid.uuid4())
    status = visit_status(shop, shop_today(shop, utcnow()))
    return render_template(
        "staff/checklist.html",
        shop=shop,
        shift=VISIT,
        status=status,
        sections=[(area, cards) for area, cards in sections if cards],
        photo_areas={v.rule.area for v in versions if v.photo_required},
        form=form,
        values={},
        errors={},
        server_now=utcnow().astimezone(status.opens_at.tzinfo),
        groups_supported=any(hasattr(version, "allow_na") for version in versions),
        visits=shop_visits(shop.id),
    )
