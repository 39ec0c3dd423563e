"""fpctl auth can-i: ask the permission table what an actor may do."""

from __future__ import annotations

from typing import Annotated

import typer

from fpctl.cli.invocation import Invocation
from fpctl.cli.options import command, group

app = group("auth", "Permissions.")


def _complete_actions(incomplete: str) -> list[str]:
    from fpctl.domain.permissions import PERMISSIONS  # not for the root's help

    return [name for name in PERMISSIONS if name.startswith(incomplete)]


@command(
    app,
    "can-i",
    lists=True,
    examples=(
        "fpctl auth can-i role.set mia@acme.test --as ada@acme.test",
        "fpctl auth can-i --list",
        "fpctl auth can-i --list --as mia@acme.test -o json",
    ),
)
def can_i(
    run: Invocation,
    action: Annotated[
        str | None,
        typer.Argument(
            metavar="ACTION",
            help="An action name such as role.set or team.invite (--list shows them all).",
            autocompletion=_complete_actions,
        ),
    ] = None,
    target: Annotated[
        str | None,
        typer.Argument(
            metavar="[TARGET]",
            help="What it acts on, as the command names it: a role for team.invite, an "
            "email for role.set, an order id for order.*, an invitation, project, list, "
            "policy, request or payment method id.",
        ),
    ] = None,
    every: Annotated[
        bool,
        typer.Option(
            "--list",
            help="Every action and who may do it; with --as, whether that actor may.",
        ),
    ] = False,
) -> None:
    """Whether the --as actor may do ACTION, and the rule that decides (exit 0 yes, 4 no)."""
    from fpctl.services import permissions

    if every:
        if action is not None:
            raise typer.BadParameter("--list takes no ACTION", param_hint="ACTION")
        _list_actions(run)
        return
    if action is None:
        raise typer.BadParameter("name an ACTION, or ask for --list", param_hint="ACTION")
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


def _list_actions(run: Invocation) -> None:
    """Every action of the permission table; with an actor, whether they may do it."""
    from fpctl.domain.permissions import PERMISSIONS, Who
    from fpctl.services import permissions

    with run.work(write=False) as ctx:
        rows = []
        for action, rule in PERMISSIONS.items():
            row: dict[str, object] = {
                "action": str(action),
                "who": rule.who(),
                "own_only": [w.value for w in Who if w in rule.own_only],
                "note": rule.note or None,
            }
            if run.as_ is not None:
                answer = permissions.can(ctx, action)
                row |= {"allowed": answer.allowed, "reason": answer.reason}
            rows.append(row)
    columns = ["action", "allowed", "reason"] if run.as_ is not None else ["action", "who"]
    run.all = run.all or run.limit is None  # a reference: every action unless --limit
    run.emit(rows, table_columns=columns, title="Actions")
