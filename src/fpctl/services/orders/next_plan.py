"""The plan ``order next`` fills: one order's steps, with the actors' flags worked out
once (the steps themselves are in ``next_steps`` and ``next_cancellation``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fpctl.domain.enums import MemberStatus
from fpctl.services import lookups
from fpctl.services.context import Context
from fpctl.store.tables import (
    Account,
    Freelancer,
    Member,
    Order,
)

BUYER_WHO, FREELANCER_WHO, ADMIN_WHO, SUPPORT_WHO, TIME_WHO = (
    "buyer",
    "freelancer",
    "admin",
    "support",
    "nobody (time)",
)


@dataclass(frozen=True)
class Step:
    """One thing that can happen next: who acts, by when, and the command line (``argv``)."""

    action: str
    who: str
    by: datetime | None
    argv: list[str] | None
    note: str


@dataclass
class Next:
    order: Order
    steps: list[Step] = field(default_factory=list)
    note: str | None = None


def argv(*words: Any) -> list[str]:
    return [str(word) for word in words]


class Plan:
    """The steps of one order, with the actors' command-line flags worked out once."""

    def __init__(self, ctx: Context, order: Order) -> None:
        self.ctx = ctx
        self.order = order
        self.now = ctx.now
        account = ctx.session.get(Account, order.account_id)
        assert account is not None
        self.slug = account.slug
        freelancer = ctx.session.get(Freelancer, order.freelancer_id)
        assert freelancer is not None
        self.seller = ["--as", f"@{freelancer.username}"]
        self.support = ["--as", "support", "--reason", "TEXT", "--account", self.slug]
        self.buyer = self._buyer_flags()
        self.steps: list[Step] = []

    def _buyer_flags(self) -> list[str]:
        """The placer while they can still act, else the admin, else any member."""
        if self.order.placed_by_id is not None:
            placer = self.ctx.session.get(Member, self.order.placed_by_id)
            if placer is not None and placer.status == MemberStatus.ACTIVE:
                return ["--as", placer.email]
        admin = lookups.current_admin(self.ctx)
        return ["--as", admin.email if admin is not None else "EMAIL"]

    def admin_flags(self) -> list[str]:
        admin = lookups.current_admin(self.ctx)
        if admin is not None:
            return ["--as", admin.email]
        return self.support  # no usable admin: only support decides

    def add(
        self,
        action: str,
        who: str,
        *,
        by: datetime | None = None,
        argv: list[str] | None = None,
        note: str = "",
    ) -> None:
        self.steps.append(Step(action, who, by, argv, note))

    def order_argv(self, *words: Any) -> list[str]:
        return argv("order", *words[:1], self.order.id, *words[1:])
