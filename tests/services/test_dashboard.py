"""services/dashboard: a handful of queries whatever the account's size, and the same
visibility rules as the lists it summarises."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from fpctl.clock import parse_instant
from fpctl.domain import actors
from fpctl.domain.actors import Actor
from fpctl.domain.enums import ActorKind, Role
from fpctl.domain.permissions import Action, allows
from fpctl.errors import PermissionDenied
from fpctl.services import audit_trail, dashboard
from fpctl.services.context import Context
from fpctl.views.dashboard import dashboard_view
from tests.conftest import Cli

ADA = "ada@acme.test"
MIA = "mia@acme.test"


@contextmanager
def counted(engine: Any) -> Iterator[list[str]]:
    """The SQL statements the engine runs inside the block."""
    statements: list[str] = []

    def seen(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def place_orders(cli: Cli, count: int) -> None:
    for _ in range(count):
        placed = cli("order", "place", "--freelancer", "otto", "--service", "2", "--as", MIA)
        assert placed.exit_code == 0, placed.stderr


@pytest.mark.parametrize("actor", [ADA, MIA])
def test_a_handful_of_queries_whatever_the_size(
    cli: Cli, shop: dict[str, int], engine: Any, work: Callable[..., Any], actor: str
) -> None:
    place_orders(cli, 6)
    with work(actor, write=False) as ctx, counted(engine) as statements:
        shown = dashboard.show(ctx)
        view = dashboard_view(shown)
    assert view["open_orders"] == 6
    # the account, members, orders, cancellations, invitations, approvals, projects,
    # viewed freelancers, (activity)
    assert 0 < len(statements) <= 9, statements


@pytest.mark.parametrize(
    ("actor", "account", "reason"),
    [
        (None, "acme", None),
        ("support", "acme", "ticket"),
        (ADA, None, None),
        ("bill@acme.test", None, None),
        (MIA, None, None),
    ],
)
def test_recent_activity_follows_the_audit_list_rule(
    team: dict[str, str],
    work: Callable[..., Any],
    actor: str | None,
    account: str | None,
    reason: str | None,
) -> None:
    with work(actor, account=account, reason=reason, write=False) as ctx:
        try:
            audit_trail.list_records(ctx, audit_trail.AuditFilter())
            may_list = True
        except PermissionDenied:
            may_list = False
        activity = dashboard.show(ctx).recent_activity
    assert allows(ctx.actor, Action.AUDIT_READ) is may_list
    assert (activity is not None) is may_list


def test_counts_start_at_zero_for_every_role_and_status(
    acme: str, work: Callable[..., Any]
) -> None:
    with work(ADA, write=False) as ctx:
        shown = dashboard.show(ctx)
    assert shown.members_by_role == {"admin": 1, "billing_manager": 0, "member": 0}
    assert shown.members_by_status == {"active": 1, "deactivated": 0, "removed": 0, "closed": 0}
    assert shown.seats == 1


def test_removed_and_closed_members_hold_no_seat(
    cli: Cli, team: dict[str, str], work: Callable[..., Any]
) -> None:
    removed = cli("team", "remove", "max@acme.test", "--as", ADA, "--yes")
    assert removed.exit_code == 0, removed.stderr
    with work(ADA, write=False) as ctx:
        shown = dashboard.show(ctx)
    assert shown.members_by_status["removed"] == 1
    assert shown.members_by_role == {"admin": 1, "billing_manager": 1, "member": 1}
    assert shown.seats == 3


@pytest.mark.parametrize(
    "actor",
    [
        actors.NOBODY,
        actors.SYSTEM,
        actors.support("agent", "ticket 1"),
        *(Actor(kind=ActorKind.MEMBER, label="m@x.test", role=role) for role in Role),
        Actor(kind=ActorKind.FREELANCER, label="@otto"),
    ],
    ids=lambda actor: f"{actor.kind.value}:{actor.role}",
)
def test_the_dashboard_sees_all_orders_exactly_when_the_order_list_does(actor: Actor) -> None:
    """The dashboard decides without importing the orders' services (start-up): the same
    answer as services.orders.visibility."""
    from fpctl.services.orders import visibility

    ctx = Context(session=None, actor=actor, now=parse_instant("2026-01-01T00:00:00Z"))  # type: ignore[arg-type]

    assert dashboard._sees_all_orders(ctx) == visibility.sees_all_orders(actor)
