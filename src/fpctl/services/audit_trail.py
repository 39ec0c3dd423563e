"""Reading the audit trail: who may, and the records a filter selects, streamed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from fpctl.domain.permissions import Action
from fpctl.services.context import Context
from fpctl.store.tables import Account, AuditRecord


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None  # exact name, or a prefix ending in "." or "*" (team.*)
    actor: str | None = None
    since: datetime | None = None


def list_records(ctx: Context, where: AuditFilter) -> Iterator[tuple[AuditRecord, str | None]]:
    """Records (with their account's slug) oldest first, streamed.

    The admin sees their account's trail; support and runs without an actor see the account
    named by ``--account``, or every account when none is named. Not a generator: the
    permission check runs at the call, before any output starts."""
    ctx.require(Action.AUDIT_READ)
    query = select(AuditRecord, Account.slug).join(
        Account, col(AuditRecord.account_id) == Account.id, isouter=True
    )
    if ctx.account is not None:
        query = query.where(AuditRecord.account_id == ctx.account.id)
    if where.action:
        prefix = where.action.rstrip("*")
        if prefix != where.action or prefix.endswith("."):
            query = query.where(col(AuditRecord.action).startswith(prefix, autoescape=True))
        else:
            query = query.where(AuditRecord.action == where.action)
    if where.actor:
        query = query.where(AuditRecord.actor == where.actor.strip())
    if where.since:
        query = query.where(col(AuditRecord.at) >= where.since)
    return iter(ctx.session.exec(query.order_by(col(AuditRecord.id))).yield_per(1000))
