"""The area supervisor's pages: review queue, board, actions, visits, rankings."""

from typing import Any

from flask import Blueprint

bp = Blueprint("supervise", __name__, url_prefix="/supervise")


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    from merch.i18n.request import current_language
    from merch.services.checklists import rule_title

    def action_title(action: Any) -> str:
        """A corrective action's rule title in the reader's language."""
        return rule_title(action.item.rule_version, current_language())

    return {"action_title": action_title}


from merch.supervise import actions, board, rankings, review  # noqa: E402,F401
from merch.supervise import visits as visits  # noqa: E402,F401
