"""Settle everything due as of now: the one mechanism behind lazy settlement and ``tick``.

Each settler finds what is due with an indexed query, changes it, and writes its audit
records as the system. Settlers are idempotent: running them twice, or from two processes
(each inside its own write lock), settles each thing once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

Settler = Callable[[Session, datetime], int]


def _settlers() -> list[tuple[str, Settler]]:
    from fpctl.services import approvals, invitations

    return [
        ("approval.expire", approvals.expire_due),
        ("invitation.expire", invitations.expire_due),
    ]


def settle_due(session: Session, now: datetime) -> dict[str, int]:
    """Run every settler; return how many things each one settled."""
    return {action: settle(session, now) for action, settle in _settlers()}
