"""The store's tables (SQLModel), one module per subject, each built on first use.

A command imports only the subjects it reads: ``team list`` builds the team's tables, never
the orders' (building all 27 classes took ~110 ms of every start-up). ``from
fpctl.store.tables import Account`` still works: the name is looked up here and its module
imported then (PEP 562). Whatever needs every table in the metadata (``create_all``, the
migrations, a write's flush, ``db check``, ``db copy``) calls ``load_all()`` first.

Enum columns hold the CLI spellings (``billing_manager``) as plain text. Every change to a
table needs a migration in ``store/migrations/versions`` and a new ``HEAD`` in
``store/schema.py``; ``tests/store/test_migrations.py`` fails until both agree.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names __getattr__ gives, for mypy (re-exported by __all__)
    from fpctl.store.tables.approvals import ApprovalRequest, Policy
    from fpctl.store.tables.audit import AUDIT_TRIGGERS, AUDIT_TRIGGERS_POSTGRES, AuditRecord
    from fpctl.store.tables.base import UTCDateTime
    from fpctl.store.tables.conditions import (
        HELD_EMAIL,
        OPEN_CANCELLATION,
        OPEN_DISPUTE,
        OPEN_INVITATION,
    )
    from fpctl.store.tables.conversations import (
        Conversation,
        ConversationMessage,
        ConversationRead,
    )
    from fpctl.store.tables.deliveries import Delivery, DeliveryFile
    from fpctl.store.tables.invitations import Invitation
    from fpctl.store.tables.money import Invoice, LedgerEntry, PaymentMethod, RewardEntry
    from fpctl.store.tables.network import (
        Freelancer,
        FreelancerService,
        FreelancerView,
        NetworkList,
        NetworkListItem,
        NetworkListShare,
        SavedFreelancer,
    )
    from fpctl.store.tables.notifications import Notification
    from fpctl.store.tables.offers import Offer
    from fpctl.store.tables.order_talk import OrderComment, OrderNote, Review
    from fpctl.store.tables.order_work import OrderHourReport, OrderHours
    from fpctl.store.tables.orders import Order, OrderCancellation, OrderDispute, OrderMilestone
    from fpctl.store.tables.projects import Project, ProjectMember
    from fpctl.store.tables.settings import StoreSetting
    from fpctl.store.tables.team import Account, Member

#: Each name this package offers, and the module under it that defines it.
_HOME = {
    "UTCDateTime": "base",
    "HELD_EMAIL": "conditions",
    "OPEN_INVITATION": "conditions",
    "OPEN_CANCELLATION": "conditions",
    "OPEN_DISPUTE": "conditions",
    "Account": "team",
    "Member": "team",
    "Invitation": "invitations",
    "Policy": "approvals",
    "ApprovalRequest": "approvals",
    "Project": "projects",
    "ProjectMember": "projects",
    "Order": "orders",
    "OrderMilestone": "orders",
    "OrderCancellation": "orders",
    "OrderDispute": "orders",
    "OrderHours": "order_work",
    "OrderHourReport": "order_work",
    "OrderNote": "order_talk",
    "OrderComment": "order_talk",
    "Review": "order_talk",
    "Offer": "offers",
    "Notification": "notifications",
    "Delivery": "deliveries",
    "DeliveryFile": "deliveries",
    "PaymentMethod": "money",
    "Invoice": "money",
    "LedgerEntry": "money",
    "RewardEntry": "money",
    "Freelancer": "network",
    "FreelancerService": "network",
    "SavedFreelancer": "network",
    "FreelancerView": "network",
    "NetworkList": "network",
    "NetworkListItem": "network",
    "NetworkListShare": "network",
    "Conversation": "conversations",
    "ConversationMessage": "conversations",
    "ConversationRead": "conversations",
    "AuditRecord": "audit",
    "AUDIT_TRIGGERS": "audit",
    "AUDIT_TRIGGERS_POSTGRES": "audit",
    "StoreSetting": "settings",
}


def load_all() -> None:
    """Build every table, so the metadata holds them all (cheap once done)."""
    importlib.import_module(f"{__name__}.every")


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)


__all__ = [
    "AUDIT_TRIGGERS",
    "AUDIT_TRIGGERS_POSTGRES",
    "HELD_EMAIL",
    "OPEN_CANCELLATION",
    "OPEN_DISPUTE",
    "OPEN_INVITATION",
    "Account",
    "ApprovalRequest",
    "AuditRecord",
    "Conversation",
    "ConversationMessage",
    "ConversationRead",
    "Delivery",
    "DeliveryFile",
    "Freelancer",
    "FreelancerService",
    "FreelancerView",
    "Invitation",
    "Invoice",
    "LedgerEntry",
    "Member",
    "NetworkList",
    "NetworkListItem",
    "NetworkListShare",
    "Notification",
    "Offer",
    "Order",
    "OrderCancellation",
    "OrderComment",
    "OrderDispute",
    "OrderHourReport",
    "OrderHours",
    "OrderMilestone",
    "OrderNote",
    "PaymentMethod",
    "Policy",
    "Project",
    "ProjectMember",
    "Review",
    "RewardEntry",
    "SavedFreelancer",
    "StoreSetting",
    "UTCDateTime",
    "load_all",
]
