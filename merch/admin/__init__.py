"""The brand admin's console: areas, shops, people, the rulebook, imports and the audit log.

Every route here is for admins only: others get 403, and a visitor signs in first.
Routes live in one module per capability (areas, shops, users, imports, audit, rules).
"""

from typing import Any

from flask import Blueprint, abort, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from merch.extensions import login_manager

bp = Blueprint("admin", __name__, url_prefix="/admin")

# The console's sections, in menu order; a section shows once its endpoint exists.
SECTIONS = (
    ("admin.areas", _l("Areas")),
    ("admin.shops", _l("Shops")),
    ("admin.users", _l("Users")),
    ("admin.rules", _l("Rules")),
    ("admin.import_file", _l("Import")),
    ("admin.audit", _l("Audit log")),
)


def acting_admin() -> Any:
    """The signed-in admin as a model object (for the audit log), not Flask-Login's proxy."""
    return current_user._get_current_object()  # type: ignore[attr-defined]


@bp.before_request
def _admins_only() -> Any:
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role != "admin":
        abort(403)
    # No name, code or search holds a NUL; PostgreSQL refuses one in any query (a 500).
    values = [request.path, *request.args.values(), *request.form.values()]
    if any("\x00" in value for value in values):
        abort(400)
    return None


@bp.context_processor
def _admin_sections() -> dict[str, Any]:
    return {
        "admin_sections": [(endpoint, label) for endpoint, label in SECTIONS if endpoint in current_app.view_functions]
    }


from merch.admin import areas, audit, home, imports, rules, shops, users  # noqa: E402,F401
