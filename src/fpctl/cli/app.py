"""The root command: one Typer app per noun, registered here."""

from __future__ import annotations

import os
from functools import cache
from typing import Annotated, Any

import typer

from fpctl import __version__

COMPLETE_VAR = "_FPCTL_COMPLETE"

app = typer.Typer(
    name="fpctl",
    help="Administer Pro team accounts: members, invitations, policies, orders, billing.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"fpctl {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            callback=_print_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """fpctl: administer Pro team accounts from the command line.

    Every command accepts -o/--output, --as, --account, --db, --now and --dry-run (for
    changes). Exit codes: 0 done, 2 usage, 3 not found, 4 permission denied, 5 refused by a
    rule, 6 some bulk items failed, 7 store busy.
    """


def _register() -> None:
    # Command modules import only Typer and the domain vocabulary: services and the store
    # are imported inside the commands, so registering every group stays cheap.
    from fpctl.cli import (
        account,
        approvals,
        audit,
        auth,
        completion_cmd,
        db,
        demo,
        policy,
        role,
        team,
        tick,
    )

    for module in (account, team, role, policy, approvals, audit, auth, db, demo):
        app.add_typer(module.app)
    tick.register(app)
    completion_cmd.register(app)


_register()


@cache
def get_command() -> Any:
    if os.environ.get(COMPLETE_VAR):
        from typer.completion import completion_init

        completion_init()
    return typer.main.get_command(app)
