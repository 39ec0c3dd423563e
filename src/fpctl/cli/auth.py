"""fpctl auth can-i: ask the permission table what an actor may do."""

from __future__ import annotations

from typing import Annotated

import typer

from fpctl.cli.invocation import Invocation
from fpctl.cli.options import command, group
from fpctl.domain.permissions import PERMISSIONS

app = group("auth", "Permissions.")


def _complete_actions(incomplete: str) -> list[str]:
    return [name for name in PERMISSIONS if name.startswith(incomplete)]


@command(app, "can-i")
def can_i(
    run: Invocation,
    action: Annotated[
        str,
        typer.Argument(
            help="An action name such as role.set or team.invite.", autocompletion=_complete_actions
        ),
    ],
    target: Annotated[
        str | None,
        typer.Argument(
            help="What it acts on, as the command names it: a role for team.invite, an "
            "email for role.set, an order id for order.*, an invitation, project, list, "
            "policy, request or payment method id."
        ),
    ] = None,
) -> None:
    """Whether the --as actor may do ACTION, and the rule that decides (exit 0 yes, 4 no)."""
    from fpctl.services import permissions

    with run.work(write=False) as ctx:
        answer = permissions.can(ctx, action, target)
    run.emit(
        {
            "action": str(answer.action),
            "actor": answer.actor,
            "target": answer.target,
            "allowed": answer.allowed,
            "reason": answer.reason,
        }
    )
    if not answer.allowed:
        raise typer.Exit(4)
