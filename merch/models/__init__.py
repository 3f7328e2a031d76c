"""The data model; importing this package registers every table."""

from merch.models.audit import AuditEntry
from merch.models.auth import ApiToken, IdempotencyRecord, SignInFailure
from merch.models.evidence import PhotoFingerprint, PhotoHashBand
from merch.models.org import Area, Role, Shop, User
from merch.models.review import (
    ACTION_CLOSED,
    ACTION_OPEN,
    ACTION_STATUSES,
    ACTION_VERIFIED,
    CorrectiveAction,
    ItemOverride,
)
from merch.models.rules import Rule, RuleVersion, current_versions_query
from merch.models.sessions import SignIn
from merch.models.submissions import (
    REVIEWED,
    SENT_BACK,
    SUBMITTED,
    VISIT,
    ItemResult,
    Photo,
    Submission,
)
from merch.models.summary import ShopDayTotals

__all__ = [
    "ACTION_CLOSED",
    "ACTION_OPEN",
    "ACTION_STATUSES",
    "ACTION_VERIFIED",
    "CorrectiveAction",
    "ItemOverride",
    "VISIT",
    "ApiToken",
    "AuditEntry",
    "Area",
    "IdempotencyRecord",
    "ItemResult",
    "Photo",
    "PhotoFingerprint",
    "PhotoHashBand",
    "REVIEWED",
    "Role",
    "Rule",
    "RuleVersion",
    "SENT_BACK",
    "SUBMITTED",
    "Shop",
    "ShopDayTotals",
    "SignIn",
    "SignInFailure",
    "Submission",
    "User",
    "current_versions_query",
]
