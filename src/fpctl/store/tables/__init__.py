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

if TYPE_CHECKING:
    from fpctl.store.tables.approvals import (
        ApprovalRequest as ApprovalRequest,
    )
    from fpctl.store.tables.approvals import (
        Policy as Policy,
    )
    from fpctl.store.tables.audit import (
        AUDIT_TRIGGERS as AUDIT_TRIGGERS,
    )
    from fpctl.store.tables.audit import (
        AUDIT_TRIGGERS_POSTGRES as AUDIT_TRIGGERS_POSTGRES,
    )
    from fpctl.store.tables.audit import (
        AuditRecord as AuditRecord,
    )
    from fpctl.store.tables.base import (
        UTCDateTime as UTCDateTime,
    )
    from fpctl.store.tables.conditions import (
        HELD_EMAIL as HELD_EMAIL,
    )
    from fpctl.store.tables.conditions import (
        OPEN_CANCELLATION as OPEN_CANCELLATION,
    )
    from fpctl.store.tables.conditions import (
        OPEN_INVITATION as OPEN_INVITATION,
    )
    from fpctl.store.tables.money import (
        Invoice as Invoice,
    )
    from fpctl.store.tables.money import (
        LedgerEntry as LedgerEntry,
    )
    from fpctl.store.tables.money import (
        PaymentMethod as PaymentMethod,
    )
    from fpctl.store.tables.money import (
        RewardEntry as RewardEntry,
    )
    from fpctl.store.tables.network import (
        Freelancer as Freelancer,
    )
    from fpctl.store.tables.network import (
        FreelancerService as FreelancerService,
    )
    from fpctl.store.tables.network import (
        FreelancerView as FreelancerView,
    )
    from fpctl.store.tables.network import (
        NetworkList as NetworkList,
    )
    from fpctl.store.tables.network import (
        NetworkListItem as NetworkListItem,
    )
    from fpctl.store.tables.network import (
        NetworkListShare as NetworkListShare,
    )
    from fpctl.store.tables.network import (
        SavedFreelancer as SavedFreelancer,
    )
    from fpctl.store.tables.orders import (
        Order as Order,
    )
    from fpctl.store.tables.orders import (
        OrderCancellation as OrderCancellation,
    )
    from fpctl.store.tables.orders import (
        OrderComment as OrderComment,
    )
    from fpctl.store.tables.orders import (
        OrderHours as OrderHours,
    )
    from fpctl.store.tables.orders import (
        OrderMilestone as OrderMilestone,
    )
    from fpctl.store.tables.orders import (
        OrderNote as OrderNote,
    )
    from fpctl.store.tables.orders import (
        Review as Review,
    )
    from fpctl.store.tables.projects import (
        Project as Project,
    )
    from fpctl.store.tables.projects import (
        ProjectMember as ProjectMember,
    )
    from fpctl.store.tables.settings import (
        StoreSetting as StoreSetting,
    )
    from fpctl.store.tables.team import (
        Account as Account,
    )
    from fpctl.store.tables.team import (
        Invitation as Invitation,
    )
    from fpctl.store.tables.team import (
        Member as Member,
    )

#: Each name this package offers, and the module under it that defines it.
_HOME = {
    "UTCDateTime": "base",
    "HELD_EMAIL": "conditions",
    "OPEN_INVITATION": "conditions",
    "OPEN_CANCELLATION": "conditions",
    "Account": "team",
    "Member": "team",
    "Invitation": "team",
    "Policy": "approvals",
    "ApprovalRequest": "approvals",
    "Project": "projects",
    "ProjectMember": "projects",
    "Order": "orders",
    "OrderMilestone": "orders",
    "OrderCancellation": "orders",
    "OrderHours": "orders",
    "OrderNote": "orders",
    "OrderComment": "orders",
    "Review": "orders",
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
    "OPEN_INVITATION",
    "Account",
    "ApprovalRequest",
    "AuditRecord",
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
    "Order",
    "OrderCancellation",
    "OrderComment",
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
