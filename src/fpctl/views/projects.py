"""Projects as plain dicts: the stable keys of `project list` and `project show`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fpctl.clock import iso
from fpctl.services.team.projects import status_of

if TYPE_CHECKING:
    from fpctl.services.team.projects import Detail, Summary
    from fpctl.store.tables import Project

View = dict[str, Any]

PROJECT_COLUMNS = [
    "id",
    "name",
    "kind",
    "status",
    "owner",
    "shared_with_all",
    "collaborators",
    "orders",
    "spend_cents",
    "account",
    "created_at",
]
#: `project show` as a table: the object's keys, order ids last.
PROJECT_SHOW_COLUMNS = [*PROJECT_COLUMNS, "archived_at", "order_ids"]


def _base(project: Project) -> View:
    return {
        "id": project.id,
        "name": project.name,
        "kind": project.kind,
        "status": status_of(project).value,
        "owner": project.owner,
        "shared_with_all": project.shared_with_all,
    }


def project_view(detail: Detail, account_slug: str) -> View:
    """One project: `project show` and the result of every change."""
    return {
        **_base(detail.project),
        "collaborators": list(detail.collaborators),
        "orders": detail.orders,
        "spend_cents": detail.spend_cents,
        "account": account_slug,
        "created_at": iso(detail.project.created_at),
        "archived_at": iso(detail.project.archived_at),
        "order_ids": list(detail.order_ids),
    }


def project_row(summary: Summary, account_slug: str) -> View:
    """One row of `project list`: collaborators counted, not named."""
    return {
        **_base(summary.project),
        "collaborators": summary.collaborators,
        "orders": summary.orders,
        "spend_cents": summary.spend_cents,
        "account": account_slug,
        "created_at": iso(summary.project.created_at),
        "archived_at": iso(summary.project.archived_at),
    }
