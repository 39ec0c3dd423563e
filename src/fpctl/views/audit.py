"""The audit trail's view: one record, its changes as data."""

from __future__ import annotations

from fpctl.clock import iso
from fpctl.store.tables import (
    AuditRecord,
)
from fpctl.views import View

AUDIT_COLUMNS = ["id", "at", "actor", "action", "target", "account", "reason", "changes"]


def audit_view(record: AuditRecord, account_slug: str | None) -> View:
    import json

    return {
        "id": record.id,
        "at": iso(record.at),
        "actor": record.actor,
        "actor_kind": record.actor_kind,
        "agent": record.agent,
        "action": record.action,
        "target": record.target,
        "account": account_slug,
        "reason": record.reason,
        "changes": json.loads(record.changes),
        "prev_hash": record.prev_hash,
        "hash": record.hash,
    }
