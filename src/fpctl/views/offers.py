"""Custom offers as plain dicts (SPEC §3.4 keys): what ``offer list|show`` and every offer
change print. Names (freelancer, addressee, account) are looked up once per command."""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session

from fpctl.clock import iso
from fpctl.domain.orders import OrderKind, seconds_left
from fpctl.store.tables import Account, Freelancer, Member, Offer
from fpctl.views import View

#: A table's columns, most important first: at 80 columns those that fit are shown.
OFFER_COLUMNS = [
    "id",
    "status",
    "title",
    "total_cents",
    "freelancer",
    "addressed_to",
    "kind",
    "expires_at",
    "order",
    "delivery_days",
]


class OfferViews:
    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now
        self._names: dict[tuple[type, int], str | None] = {}

    def _name(self, table: type[Account | Freelancer | Member], row_id: int | None) -> str | None:
        if row_id is None:
            return None
        key = (table, row_id)
        if key not in self._names:
            row = self.session.get(table, row_id)
            if isinstance(row, Freelancer):
                self._names[key] = row.username
            elif isinstance(row, Member):
                self._names[key] = row.email
            elif isinstance(row, Account):
                self._names[key] = row.slug
            else:
                self._names[key] = "?"
        return self._names[key]

    def row(self, offer: Offer) -> View:
        pending = offer.status == "pending"
        return {
            "id": offer.id,
            "status": offer.status,
            "kind": offer.kind,
            "title": offer.title,
            "description": offer.description,
            "freelancer": self._name(Freelancer, offer.freelancer_id),
            "addressed_to": self._name(Member, offer.member_id),
            "account": self._name(Account, offer.account_id),
            "total_cents": offer.total_cents,
            "milestones": json.loads(offer.milestones),
            "hourly": (
                {
                    "rate_cents": offer.hourly_rate_cents,
                    "weekly_limit_hours": offer.weekly_limit_hours,
                    "estimate_hours": offer.estimate_hours,
                }
                if offer.kind == OrderKind.HOURLY
                else None
            ),
            "delivery_days": offer.delivery_days,
            "revisions": offer.revisions,
            "expires_at": iso(offer.expires_at),
            "seconds_left": seconds_left(offer.expires_at, self.now) if pending else None,
            "order": offer.order_id,
            "closed_at": iso(offer.closed_at),
            "closed_by": offer.closed_by,
            "decline_reason": offer.decline_reason,
            "created_at": iso(offer.created_at),
        }
