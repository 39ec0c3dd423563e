"""The catalogue's views: freelancers and their services."""

from __future__ import annotations

from fpctl.clock import iso
from fpctl.store.tables import (
    Freelancer,
    FreelancerService,
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
