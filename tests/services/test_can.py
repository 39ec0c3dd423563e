"""`auth can-i` and the command agree, for every action that acts on an object, every kind
of actor, and targets of every kind: one's own, another member's, one the actor cannot see,
another account's, and one that does not exist.

Both run in a unit of work that is rolled back. The command's outcome is read from what it
raises: `PermissionDenied` is "denied", `NotFound` is "not found", anything else (done, or
refused by a business rule after the permission check) is "allowed". `can` answers allowed,
denied, or raises `NotFound` the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fpctl.domain.permissions import Action
from fpctl.errors import FpctlError, NotFound, PermissionDenied
from fpctl.services import approvals, work
from fpctl.services.conversations import messages
from fpctl.services.money import payment_methods
from fpctl.services.network import lists
from fpctl.services.orders import (
    cancellations,
    collaboration,
    disputes,
    hour_reports,
    hourly,
    lifecycle,
    milestones,
    offer_answers,
    refunds,
    reviews,
)
from fpctl.services.permissions import TARGETS, can
from fpctl.services.team import invitations, inviting, members, policies, projects
from tests.conftest import Cli, built_once

ACME = ("--as", "ada@acme.test")
ACTORS: dict[str, dict[str, str | None]] = {
    "admin": {"as_": "ada@acme.test"},
    "billing_manager": {"as_": "bill@acme.test"},
    "member": {"as_": "mia@acme.test"},
    "other_member": {"as_": "max@acme.test"},
    "support": {"as_": "support", "account": "acme", "reason": "ticket 1"},
    "support_without_reason": {"as_": "support", "account": "acme"},
    "order_freelancer": {"as_": "@lena"},
    "other_freelancer": {"as_": "@otto"},
    "other_account_admin": {"as_": "bea@beta.test"},
}

Command = Callable[[Any, str], object]


@pytest.fixture
def backend() -> str:
    """SQLite only: its world is built once and copied as a SQLite file."""
    return "sqlite"


def _order(do: Callable[..., object], *args: Any, **kwargs: Any) -> Command:
    return lambda ctx, target: do(ctx, int(target), *args, **kwargs)


COMMANDS: dict[Action, Command] = {
    Action.ORDER_REQUIREMENTS: _order(lifecycle.submit_requirements, "brief"),
    Action.ORDER_SKIP_REQUIREMENTS: _order(lifecycle.skip_requirements),
    Action.ORDER_DELIVER: _order(lifecycle.deliver),
    Action.ORDER_ACCEPT: _order(lifecycle.accept),
    Action.ORDER_REVISION: _order(lifecycle.ask_revision, "more"),
    Action.ORDER_CANCEL: _order(lifecycle.cancel),
    Action.ORDER_SHARE: _order(collaboration.share),
    Action.ORDER_NOTE: _order(collaboration.add_note, "a note"),
    Action.ORDER_COMMENT: _order(collaboration.add_comment, "a comment"),
    Action.ORDER_REVIEW: _order(reviews.review, rating=5),
    Action.ORDER_MILESTONE_ACCEPT: _order(milestones.milestone_accept),
    Action.ORDER_CANCEL_REQUEST: _order(cancellations.request, "changed our mind"),
    Action.ORDER_CANCEL_ACCEPT: _order(cancellations.accept),
    Action.ORDER_CANCEL_DECLINE: _order(cancellations.decline),
    Action.ORDER_CANCEL_WITHDRAW: _order(cancellations.withdraw),
    Action.ORDER_HOURS_LOG: _order(
        hourly.log_hours, week="2026-W44", hours="2", description="work"
    ),
    Action.ORDER_HOURS_LIMIT: _order(hourly.set_weekly_limit, 10),
    Action.ORDER_REFUND: _order(refunds.refund),
    Action.TEAM_INVITE: lambda ctx, role: inviting.invite(ctx, "new@acme.test", role),
    Action.TEAM_WITHDRAW: invitations.withdraw,
    Action.TEAM_RESEND: invitations.resend,
    Action.ROLE_SET: lambda ctx, email: members.set_role(ctx, email, "billing_manager"),
    Action.TEAM_DEACTIVATE: members.deactivate,
    Action.TEAM_REACTIVATE: members.reactivate,
    Action.TEAM_REMOVE: members.remove,
    Action.POLICY_REMOVE: lambda ctx, target: policies.remove(ctx, int(target)),
    Action.APPROVAL_APPROVE: lambda ctx, target: approvals.approve(ctx, int(target)),
    Action.APPROVAL_REJECT: lambda ctx, target: approvals.reject(ctx, int(target)),
    Action.PROJECT_ADD_MEMBER: lambda ctx, target: projects.add_member(
        ctx, int(target), "max@acme.test"
    ),
    Action.PROJECT_SHARE: lambda ctx, target: projects.share(ctx, int(target)),
    Action.PROJECT_REMOVE_MEMBER: lambda ctx, target: projects.remove_member(
        ctx, int(target), "max@acme.test"
    ),
    Action.PROJECT_RENAME: lambda ctx, target: projects.rename(ctx, int(target), "Renamed"),
    Action.PROJECT_ARCHIVE: lambda ctx, target: projects.archive(ctx, int(target)),
    Action.PROJECT_UNARCHIVE: lambda ctx, target: projects.unarchive(ctx, int(target)),
    Action.NETWORK_LIST_ADD: lambda ctx, target: lists.list_add(ctx, int(target), "otto"),
    Action.NETWORK_LIST_SHARE: lambda ctx, target: lists.list_share(
        ctx, int(target), member="max@acme.test"
    ),
    Action.BILLING_PAYMENT_METHOD: lambda ctx, target: payment_methods.make_default(
        ctx, int(target)
    ),
    Action.MESSAGE_SEND: lambda ctx, target: messages.send(ctx, target, "hello"),
    Action.OFFER_ACCEPT: lambda ctx, target: offer_answers.accept(ctx, int(target)),
    Action.OFFER_DECLINE: lambda ctx, target: offer_answers.decline(ctx, int(target)),
    Action.OFFER_WITHDRAW: lambda ctx, target: offer_answers.withdraw(ctx, int(target)),
    Action.ORDER_DISPUTE: _order(disputes.request, disputes.Proposal(refund="1"), "a reason"),
    Action.ORDER_DISPUTE_ACCEPT: _order(disputes.accept),
    Action.ORDER_DISPUTE_DECLINE: _order(disputes.decline),
    Action.ORDER_DISPUTE_WITHDRAW: _order(disputes.withdraw),
    Action.ORDER_HOURS_APPROVE: _order(hour_reports.approve, "2026-W44"),
    Action.ORDER_HOURS_DISPUTE: _order(hour_reports.dispute, "2026-W44", reason="too many"),
    Action.ORDER_HOURS_CONCEDE: _order(hour_reports.concede, "2026-W44"),
}
# Appointing an admin needs an account without one; its path is role.set's (members.authorize).
UNCOVERED = {Action.ADMIN_APPOINT}


def _json(cli: Cli, *args: str) -> Any:
    done = cli(*args, "-o", "json")
    assert done.exit_code == 0, done.stderr
    return done.json


def _build(cli: Cli) -> dict[str, dict[str, str]]:
    """acme (the shop: ada, bill, mia, max; lena and otto; ada's card) with an order each by
    mia (from lena) and ada (from otto), invitations, a policy and a waiting request, a
    private and a public project, a list; beta with its own order, invitation and card."""
    mia, bea = ("--as", "mia@acme.test"), ("--as", "bea@beta.test")
    card = ("--card", "4242 4242 4242 4242", "--expiry", "12/30")
    mias_order = _json(cli, "order", "place", "--freelancer", "lena", "--service", "1", *mia)
    adas_order = _json(cli, "order", "place", "--freelancer", "otto", "--service", "2", *ACME)
    _json(cli, "account", "create", "Beta", "--admin", "bea@beta.test", "--slug", "beta")
    betas_card = _json(cli, "billing", "payment-method", "add", *card, *bea)
    betas_order = _json(cli, "order", "place", "--freelancer", "lena", "--service", "1", *bea)
    betas_invitation = _json(cli, "team", "invite", "x@beta.test", *bea)
    mias_invitation = _json(cli, "team", "invite", "inv@acme.test", *mia)
    adas_invitation = _json(cli, "team", "invite", "inv2@acme.test", *ACME)
    policy = _json(cli, "policy", "add", "invite-approval", "--applies-to", "members", *ACME)
    _json(cli, "team", "invite", "wait@acme.test", *mia)
    [request] = _json(cli, "approvals", "list", *ACME)
    private = _json(cli, "project", "create", "Secret", "--private", *mia)
    public = _json(cli, "project", "create", "Open", *ACME)
    faves = _json(cli, "network", "list-create", "Faves", *mia)
    lena = ("--as", "@lena", "--amount", "50", "--days", "3")
    to_acme = _json(cli, "offer", "send", "--account", "acme", *lena)
    to_mia = _json(cli, "offer", "send", "--member", "mia@acme.test", *lena)
    to_max = _json(cli, "offer", "send", "--member", "max@acme.test", *lena)
    to_beta = _json(cli, "offer", "send", "--account", "beta", *lena)
    assert mias_order["status"] == "awaiting_requirements", mias_order
    return {
        "order": {
            "own": str(mias_order["id"]),
            "hidden": str(adas_order["id"]),
            "other_account": str(betas_order["id"]),
            "missing": "999",
        },
        "invitation": {
            "own": str(mias_invitation["id"]),
            "another_members": str(adas_invitation["id"]),
            "other_account": str(betas_invitation["id"]),
            "missing": "999",
        },
        "member": {
            "own": "mia@acme.test",
            "another_members": "max@acme.test",
            "other_account": "bea@beta.test",
            "missing": "nobody@acme.test",
        },
        "role": {"member": "member", "billing_manager": "billing_manager"},
        "policy": {"own": str(policy["id"]), "missing": "999"},
        "request": {"own": str(request["id"]), "missing": "999"},
        "project": {
            "own": str(private["id"]),
            "another_members": str(public["id"]),
            "missing": "999",
        },
        "list": {"own": str(faves["id"]), "missing": "999"},
        "method": {"own": "1", "other_account": str(betas_card["id"]), "missing": "999"},
        # each order opened its account's conversation with its freelancer
        "conversation": {
            "own": _conversation(cli, "mia@acme.test", "lena"),
            "with_otto": _conversation(cli, "ada@acme.test", "otto"),
            "other_account": _conversation(cli, "bea@beta.test", "lena"),
            "missing": "999",
            "new": "@otto",
            "nobody": "@nobody",
        },
        "offer": {
            "own": str(to_acme["id"]),
            "addressed": str(to_mia["id"]),
            "another_members": str(to_max["id"]),
            "other_account": str(to_beta["id"]),
            "missing": "999",
        },
    }


def _conversation(cli: Cli, member: str, freelancer: str) -> str:
    rows = _json(cli, "inbox", "list", "--as", member)
    return str(next(row["id"] for row in rows if row["freelancer"] == freelancer))


def _kind(action: Action) -> str:
    if action.startswith("order."):
        return "order"
    if action.startswith("offer."):
        return "offer"
    return {
        Action.TEAM_INVITE: "role",
        Action.TEAM_WITHDRAW: "invitation",
        Action.TEAM_RESEND: "invitation",
        Action.POLICY_REMOVE: "policy",
        Action.APPROVAL_APPROVE: "request",
        Action.APPROVAL_REJECT: "request",
        Action.PROJECT_ADD_MEMBER: "project",
        Action.PROJECT_SHARE: "project",
        Action.PROJECT_REMOVE_MEMBER: "project",
        Action.PROJECT_RENAME: "project",
        Action.PROJECT_ARCHIVE: "project",
        Action.PROJECT_UNARCHIVE: "project",
        Action.NETWORK_LIST_ADD: "list",
        Action.NETWORK_LIST_SHARE: "list",
        Action.BILLING_PAYMENT_METHOD: "method",
        Action.MESSAGE_SEND: "conversation",
    }.get(action, "member")


@pytest.fixture
def world(cli: Cli, shop: dict[str, int], isolated_env: Path) -> dict[str, dict[str, str]]:
    """Built through the CLI once, then copied into each test's store."""
    return built_once("can-world", isolated_env, lambda: _build(cli))


def _outcome(do: Callable[[], object]) -> str:
    try:
        do()
    except PermissionDenied:
        return "denied"
    except NotFound:
        return "not found"
    except FpctlError:
        return "allowed"  # past the permission check, refused by a business rule
    return "allowed"


def _answer(ctx: Any, action: Action, target: str) -> str:
    try:
        return "allowed" if can(ctx, action, target).allowed else "denied"
    except NotFound:
        return "not found"


def test_every_targeted_action_has_a_command_here() -> None:
    assert set(TARGETS) - UNCOVERED == set(COMMANDS)


@pytest.mark.parametrize("action", sorted(COMMANDS), ids=str)
def test_can_i_and_the_command_agree(
    world: dict[str, dict[str, str]], store: Any, action: Action
) -> None:
    disagreements = []
    for actor, who in ACTORS.items():
        for name, target in world[_kind(action)].items():
            with work.unit_of_work(store, **who, write=True, dry_run=True) as ctx:
                answered = _answer(ctx, action, target)
            with work.unit_of_work(store, **who, write=True, dry_run=True) as ctx:
                done = _outcome(lambda: COMMANDS[action](ctx, target))  # noqa: B023
            if answered != done:
                disagreements.append(f"{actor} on {name} ({target}): can-i {answered}, did {done}")
    assert disagreements == [], "\n".join(disagreements)


def test_a_freelancer_is_not_told_yes_for_another_freelancers_order(
    world: dict[str, dict[str, str]], store: Any
) -> None:
    order = world["order"]["own"]  # lena's order
    with work.unit_of_work(store, as_="@otto") as ctx, pytest.raises(NotFound):
        can(ctx, Action.ORDER_DELIVER, order)
    with work.unit_of_work(store, as_="@lena") as ctx:
        assert can(ctx, Action.ORDER_DELIVER, order).allowed
