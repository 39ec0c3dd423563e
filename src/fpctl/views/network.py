"""The catalogue's views: freelancers and their services."""

from __future__ import annotations

from fpctl.clock import iso
from fpctl.services.network.connections import Connection
from fpctl.services.network.lists import ListSummary
from fpctl.services.orders.reviews import Card
from fpctl.store.tables import (
    Freelancer,
    FreelancerService,
    NetworkListItem,
    Review,
)
from fpctl.views import View

FREELANCER_COLUMNS = ["id", "username", "name", "pro", "created_at"]


SERVICE_COLUMNS = ["id", "freelancer", "title", "price_cents", "revisions", "created_at"]


def freelancer_view(
    freelancer: Freelancer, *, services: list[FreelancerService] | None = None
) -> View:
    """A catalogue entry; ``services`` (for ``show``) adds the list of their services."""
    view: View = {
        "id": freelancer.id,
        "username": freelancer.username,
        "name": freelancer.name,
        "pro": freelancer.pro,
        "created_at": iso(freelancer.created_at),
    }
    if services is not None:
        view["services"] = [service_view(s, freelancer.username) for s in services]
    return view


def service_view(service: FreelancerService, username: str) -> View:
    return {
        "id": service.id,
        "freelancer": username,
        "title": service.title,
        "price_cents": service.price_cents,
        "revisions": service.revisions,
        "created_at": iso(service.created_at),
    }


# -- the account's side of a freelancer's card (``freelancer show``) -----------------------

REVIEW_COLUMNS = ["id", "order_id", "rating", "text", "author", "created_at"]
HISTORY_COLUMNS = ["id", "title", "status", "total_cents", "placed_by", "created_at"]


def review_view(entry: Review, username: str) -> View:
    return {
        "id": entry.id,
        "order_id": entry.order_id,
        "freelancer": username,
        "rating": entry.rating,
        "text": entry.text,
        "author": entry.author,
        "created_at": iso(entry.created_at),
    }


def card_view(card: Card, username: str) -> View:
    """``reviews`` and ``orders`` keys added to the freelancer's view."""
    return {
        "reviews": [review_view(r, username) for r in card.reviews],
        "orders": [
            {
                "id": o.id,
                "title": o.title,
                "status": o.status,
                "total_cents": o.total_cents,
                "placed_by": o.placed_by,
                "created_at": iso(o.created_at),
                "completed_at": iso(o.completed_at),
            }
            for o in card.orders
        ],
    }


# -- the account's network and its lists (``network ...``) ---------------------------------


def connection_view(connection: Connection) -> View:
    freelancer, saved = connection.freelancer, connection.saved
    return {
        "username": freelancer.username,
        "name": freelancer.name,
        "pro": freelancer.pro,
        "saved": saved is not None,
        "saved_by": saved.saved_by if saved else None,
        "saved_at": iso(saved.saved_at) if saved else None,
        "hired_orders": connection.hired_orders,
        "spent_cents": connection.spent_cents,
        "last_viewed_at": iso(connection.last_viewed_at),
        "rating": _one_decimal(connection.rating_tenths),
        "reviews": connection.reviews,
        "conversation": connection.conversation_id,  # fpctl inbox show ID
    }


def list_view(summary: ListSummary) -> View:
    lst = summary.reach.lst
    return {
        "id": lst.id,
        "name": lst.name,
        "owner": lst.owner,
        "account": summary.account_slug,
        "items": summary.items,
        "shared_with": summary.shared_with,
        "read_only": summary.reach.read_only,
        "created_at": iso(lst.created_at),
    }


def list_item_view(
    item: NetworkListItem, freelancer: Freelancer, service: FreelancerService | None
) -> View:
    return {
        "list_id": item.list_id,
        "username": freelancer.username,
        "service_id": item.service_id,
        "service": service.title if service else None,
        "added_by": item.added_by,
        "added_at": iso(item.added_at),
    }


def _one_decimal(tenths: int | None) -> float | None:
    """A rating such as 4.7 for JSON (a rating, not money)."""
    return None if tenths is None else tenths / 10
